// Credential lifecycle under attack: every operation on a credential (rotate, refresh, revoke,
// change expiry) needs the target's permissions to be a subset of the caller's, access tokens
// included; expired, revoked and rotated-out credentials stay dead; and nothing an access token
// creates outlives it or its user token.

import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { apiKeys, userTokens } from "../../src/db/schema";
import { call, createTenant, expectError, insertApiKey, json, type TestTenant, withDb } from "../harness";

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTenant("credential lifecycle");
});

afterEach(() => vi.useRealTimers());

const whoAmI = (token: string) => call("/v1/tenant", { token });
const post = (path: string, token: string, body?: unknown) => call(path, { token, method: "POST", body });
const patch = (path: string, token: string, body: unknown) => call(path, { token, method: "PATCH", body });
const keyCount = () => withDb(async (db) => (await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenant.tenantId))).length);

async function userToken(token: string, permissions: string[]) {
  const res = await call("/v1/user-tokens", { token, body: { name: "ops", permissions } });
  expect(res.status, await res.clone().text()).toBe(201);
  return json(res);
}

async function accessToken(user: { token: string }) {
  const res = await call("/v1/auth/token", { body: { user_token: user.token } });
  expect(res.status).toBe(200);
  return json(res);
}

describe("operating on a credential needs its permissions", () => {
  it("refuses to rotate a key holding more than the caller (no secret, no lock-out)", async () => {
    const admin = await insertApiKey(tenant.tenantId);
    const keyManager = await insertApiKey(tenant.tenantId, { permissions: ["api_keys:write"] });
    const before = await keyCount();
    const res = await post(`/v1/api-keys/${admin.id}/rotate`, keyManager.secret, { grace_period_s: 0 });
    const error = await expectError(res, 403, "FORBIDDEN");
    expect(error.message).toContain("licenses:write");
    expect(await keyCount()).toBe(before);
    expect((await whoAmI(admin.secret)).status).toBe(200);
  });

  it("refuses to revoke or re-date a key holding more than the caller", async () => {
    const admin = await insertApiKey(tenant.tenantId);
    const keyManager = await insertApiKey(tenant.tenantId, { permissions: ["api_keys:write", "tenants:read"] });
    await expectError(await post(`/v1/api-keys/${admin.id}/revoke`, keyManager.secret), 403, "FORBIDDEN");
    await expectError(await patch(`/v1/api-keys/${admin.id}`, keyManager.secret, { expires_at: new Date(Date.now() + 1000).toISOString() }), 403, "FORBIDDEN");
    await expectError(await patch(`/v1/api-keys/${admin.id}`, keyManager.secret, { name: "renamed" }), 403, "FORBIDDEN");
    const [row] = await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.id, admin.id)));
    expect(row!.revokedAt).toBeNull();
    expect(row!.expiresAt).toBeNull();
    expect(row!.name).toBe("test key");
  });

  it("refuses to refresh or revoke a user token holding more than the caller", async () => {
    const allPowerful = await userToken(tenant.apiKey, ["tenants:read", "licenses:write", "api_keys:write"]);
    const keyManager = await insertApiKey(tenant.tenantId, { permissions: ["api_keys:write", "tenants:read"] });
    await expectError(await post(`/v1/user-tokens/${allPowerful.id}/refresh`, keyManager.secret), 403, "FORBIDDEN");
    await expectError(await post(`/v1/user-tokens/${allPowerful.id}/revoke`, keyManager.secret), 403, "FORBIDDEN");
    // The user token is untouched: the same value still exchanges, at the same generation.
    const exchanged = await accessToken(allPowerful);
    expect(exchanged.permissions).toEqual(["tenants:read", "licenses:write", "api_keys:write"]);
  });

  it("holds access tokens to the same rule", async () => {
    const admin = await insertApiKey(tenant.tenantId);
    const at = await accessToken(await userToken(tenant.apiKey, ["api_keys:write", "tenants:read"]));
    await expectError(await post(`/v1/api-keys/${admin.id}/rotate`, at.access_token, {}), 403, "FORBIDDEN");
    await expectError(await post(`/v1/api-keys/${admin.id}/revoke`, at.access_token), 403, "FORBIDDEN");
    expect((await whoAmI(admin.secret)).status).toBe(200);
  });

  it("lets a caller act on credentials within its own permissions (control)", async () => {
    const keyManager = await insertApiKey(tenant.tenantId, { permissions: ["api_keys:write", "tenants:read"] });
    const reader = await insertApiKey(tenant.tenantId, { permissions: ["tenants:read"] });
    const rotated = await post(`/v1/api-keys/${reader.id}/rotate`, keyManager.secret, { grace_period_s: 0 });
    expect(rotated.status).toBe(200);
    const fresh = (await json(rotated)).key;
    expect(fresh.permissions).toEqual(["tenants:read"]);
    expect((await whoAmI(fresh.key)).status).toBe(200);
    expect((await post(`/v1/api-keys/${fresh.id}/revoke`, keyManager.secret)).status).toBe(200);
    expect((await whoAmI(fresh.key)).status).toBe(401);
  });
});

describe("dead credentials stay dead", () => {
  describe("PATCH /v1/api-keys/{id} (updateApiKey)", () => {
    it("answers 409 to re-dating an expired key, which keeps answering 401", async () => {
      const expired = await insertApiKey(tenant.tenantId, { permissions: ["tenants:read"], expiresAt: new Date(Date.now() - 1000) });
      await expectError(await patch(`/v1/api-keys/${expired.id}`, tenant.apiKey, { expires_at: null }), 409, "CONFLICT");
      await expectError(
        await patch(`/v1/api-keys/${expired.id}`, tenant.apiKey, { expires_at: new Date(Date.now() + 86_400_000).toISOString() }),
        409,
        "CONFLICT",
      );
      expect((await whoAmI(expired.secret)).status).toBe(401);
    });

    it("answers 409 to re-dating a revoked key", async () => {
      const revoked = await insertApiKey(tenant.tenantId, { permissions: ["tenants:read"], revokedAt: new Date(Date.now() - 1000) });
      await expectError(await patch(`/v1/api-keys/${revoked.id}`, tenant.apiKey, { expires_at: null }), 409, "CONFLICT");
      expect((await whoAmI(revoked.secret)).status).toBe(401);
    });

    it("answers 409 to re-dating a rotated-out key, even after its grace period", async () => {
      const old = await insertApiKey(tenant.tenantId, { permissions: ["tenants:read"] });
      expect((await post(`/v1/api-keys/${old.id}/rotate`, tenant.apiKey, { grace_period_s: 60 })).status).toBe(200);
      // During the grace period the old key works, but is already on its way out: no new life.
      await expectError(await patch(`/v1/api-keys/${old.id}`, tenant.apiKey, { expires_at: null }), 409, "CONFLICT");
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 61_000);
      await expectError(await patch(`/v1/api-keys/${old.id}`, tenant.apiKey, { expires_at: null }), 409, "CONFLICT");
      expect((await whoAmI(old.secret)).status).toBe(401);
    });
  });

  it("answers 409 to refreshing a revoked user token, and keeps the first revoked_at", async () => {
    const user = await userToken(tenant.apiKey, ["tenants:read"]);
    const first = await json(await post(`/v1/user-tokens/${user.id}/revoke`, tenant.apiKey));
    const again = await post(`/v1/user-tokens/${user.id}/revoke`, tenant.apiKey);
    expect(again.status).toBe(200);
    expect((await json(again)).revoked_at).toBe(first.revoked_at);
    await expectError(await post(`/v1/user-tokens/${user.id}/refresh`, tenant.apiKey), 409, "CONFLICT");
    expect((await call("/v1/auth/token", { body: { user_token: user.token } })).status).toBe(401);
  });

  it("keeps the first revoked_at of an API key revoked twice", async () => {
    const key = await insertApiKey(tenant.tenantId, { permissions: ["tenants:read"] });
    const first = await json(await post(`/v1/api-keys/${key.id}/revoke`, tenant.apiKey));
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5_000);
    const second = await json(await post(`/v1/api-keys/${key.id}/revoke`, tenant.apiKey));
    expect(second.revoked_at).toBe(first.revoked_at);
  });
});

describe("what an access token creates never outlives it", () => {
  it("gives a key created through an access token the access token's expiry at the latest", async () => {
    const at = await accessToken(await userToken(tenant.apiKey, ["api_keys:write", "tenants:read"]));
    const unbounded = await json(await call("/v1/api-keys", { token: at.access_token, body: { name: "ci", permissions: ["tenants:read"] } }));
    expect(unbounded.expires_at).toBe(at.expires_at);
    const later = new Date(Date.parse(at.expires_at) + 86_400_000).toISOString();
    const capped = await json(await call("/v1/api-keys", { token: at.access_token, body: { name: "ci", permissions: ["tenants:read"], expires_at: later } }));
    expect(capped.expires_at).toBe(at.expires_at);
    const sooner = new Date(Date.now() + 3_600_000).toISOString();
    const short = await json(await call("/v1/api-keys", { token: at.access_token, body: { name: "ci", permissions: ["tenants:read"], expires_at: sooner } }));
    expect(short.expires_at).toBe(sooner);
  });

  it("stops the keys an access token created when its user token is revoked", async () => {
    const user = await userToken(tenant.apiKey, ["api_keys:write", "tenants:read"]);
    const at = await accessToken(user);
    const minted = await json(await call("/v1/api-keys", { token: at.access_token, body: { name: "minted", permissions: ["tenants:read"] } }));
    const rotated = await json(await post(`/v1/api-keys/${minted.id}/rotate`, tenant.apiKey, { grace_period_s: 0 }));
    expect((await whoAmI(rotated.key.key)).status).toBe(200);
    expect((await post(`/v1/user-tokens/${user.id}/revoke`, tenant.apiKey)).status).toBe(200);
    expect((await whoAmI(at.access_token)).status).toBe(401);
    // The key it created, and that key's replacement, die with it.
    expect((await whoAmI(rotated.key.key)).status).toBe(401);
  });

  it("stops them when the user token is refreshed", async () => {
    const user = await userToken(tenant.apiKey, ["api_keys:write", "tenants:read"]);
    const at = await accessToken(user);
    const minted = await json(await call("/v1/api-keys", { token: at.access_token, body: { name: "minted", permissions: ["tenants:read"] } }));
    expect((await whoAmI(minted.key)).status).toBe(200);
    expect((await post(`/v1/user-tokens/${user.id}/refresh`, tenant.apiKey)).status).toBe(200);
    expect((await whoAmI(minted.key)).status).toBe(401);
  });

  it("refuses an access token's attempt to extend a key past itself, or to mint user tokens", async () => {
    const at = await accessToken(await userToken(tenant.apiKey, ["api_keys:write", "tenants:read"]));
    const reader = await insertApiKey(tenant.tenantId, { permissions: ["tenants:read"], expiresAt: new Date(Date.now() + 60_000) });
    await expectError(await patch(`/v1/api-keys/${reader.id}`, at.access_token, { expires_at: null }), 403, "FORBIDDEN");
    const tooLate = new Date(Date.parse(at.expires_at) + 1000).toISOString();
    await expectError(await patch(`/v1/api-keys/${reader.id}`, at.access_token, { expires_at: tooLate }), 403, "FORBIDDEN");
    expect((await patch(`/v1/api-keys/${reader.id}`, at.access_token, { expires_at: at.expires_at })).status).toBe(200);
    const before = await withDb(async (db) => (await db.select().from(userTokens).where(eq(userTokens.tenantId, tenant.tenantId))).length);
    await expectError(await call("/v1/user-tokens", { token: at.access_token, body: { name: "x", permissions: ["tenants:read"] } }), 403, "FORBIDDEN");
    expect(await withDb(async (db) => (await db.select().from(userTokens).where(eq(userTokens.tenantId, tenant.tenantId))).length)).toBe(before);
  });
});
