import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTenant, introspect, issueToken, json, seedLicense } from "../harness";

const exchange = async (userToken: string) => {
  const res = await call("/v1/auth/token", { body: { user_token: userToken } });
  return { status: res.status, body: await json(res) };
};

afterEach(() => vi.useRealTimers());

describe("POST /v1/auth/token (exchangeUserToken)", () => {
  it("exchanges a user token for a 24 h access token usable as Bearer with its permissions", async () => {
    const t = await createTenant("access tokens");
    const created = await json(await call("/v1/user-tokens", { token: t.apiKey, body: { name: "ops", permissions: ["tenants:read", "tokens:introspect"] } }));
    expect(created.token).toMatch(/^[0-9a-f-]{36}$/);
    const { status, body } = await exchange(created.token);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 86400, permissions: ["tenants:read", "tokens:introspect"] });
    expect(body.access_token).toMatch(/^at_/);
    expect((await call("/v1/tenant", { token: body.access_token })).status).toBe(200);
    const license = await seedLicense(t.tenantId);
    const { token } = await issueToken(license.licenseKey);
    expect((await introspect(body.access_token, token)).body.active).toBe(true);
    // Only its own permissions:
    expect((await call("/v1/api-keys", { token: body.access_token })).status).toBe(403);
    // ...and it stops after 24 h.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 86_401_000);
    expect((await call("/v1/tenant", { token: body.access_token })).status).toBe(401);
  });

  it("answers 401 with the error envelope for unknown or malformed user tokens", async () => {
    for (const bad of [crypto.randomUUID(), "not-a-uuid"]) {
      const { status, body } = await exchange(bad);
      expect(status).toBe(401);
      expect(body.error.code).toBe("UNAUTHORIZED");
    }
  });
});

describe("POST /v1/user-tokens/{id}/refresh (refreshUserToken)", () => {
  it("refreshing the user token kills every access token issued before, and the old user token", async () => {
    const t = await createTenant("refresh");
    const created = await json(await call("/v1/user-tokens", { token: t.apiKey, body: { name: "ci", permissions: ["tenants:read"] } }));
    const a = (await exchange(created.token)).body.access_token;
    const b = (await exchange(created.token)).body.access_token;
    const refreshed = await json(await call(`/v1/user-tokens/${created.id}/refresh`, { token: t.apiKey, method: "POST" }));
    expect(refreshed.generation).toBe(created.generation + 1);
    expect((await call("/v1/tenant", { token: a })).status).toBe(401);
    expect((await call("/v1/tenant", { token: b })).status).toBe(401);
    expect((await exchange(created.token)).status).toBe(401);
    const fresh = (await exchange(refreshed.token)).body.access_token;
    expect((await call("/v1/tenant", { token: fresh })).status).toBe(200);
  });
});

describe("POST /v1/user-tokens/{id}/revoke (revokeUserToken)", () => {
  it("revoking the user token kills its access tokens", async () => {
    const t = await createTenant("revoke user token");
    const created = await json(await call("/v1/user-tokens", { token: t.apiKey, body: { name: "x", permissions: ["tenants:read"] } }));
    const access = (await exchange(created.token)).body.access_token;
    await call(`/v1/user-tokens/${created.id}/revoke`, { token: t.apiKey, method: "POST" });
    expect((await call("/v1/tenant", { token: access })).status).toBe(401);
    expect((await exchange(created.token)).status).toBe(401);
  });
});

describe("POST /v1/user-tokens (createUserToken) and GET /v1/user-tokens (listUserTokens)", () => {
  it("cannot grant more than the creator holds, and lists without token values", async () => {
    const t = await createTenant("user token subset");
    const res = await call("/v1/user-tokens", { token: t.apiKey, body: { name: "x", permissions: ["tenants:read"] } });
    expect(res.status).toBe(201);
    const list = await json(await call("/v1/user-tokens", { token: t.apiKey }));
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).not.toHaveProperty("token");
  });
});
