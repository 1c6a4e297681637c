// POST /v1/licenses/revoke-token under attack: a revocation takes effect at once for the owner,
// is idempotent, lands in Postgres and in the tenant's own KV namespace, and one tenant can never
// revoke (or learn about) another tenant's tokens.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { revokedTokens } from "../../src/db/schema";
import { REVOCATION_RETENTION_S } from "../../src/services/revocations";
import { sweepRevocations } from "../../src/services/scheduled";
import { INTROSPECTION_CLOCK_TOLERANCE_S } from "../../src/services/token-verification";
import { call, callWithEnv, createTenant, expectError, insertApiKey, introspect, issueToken, json, seedLicense, type TestTenant, withDb } from "../harness";
import { forge, makeKey } from "./forge";

let owner: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  [owner, other] = await Promise.all([createTenant("Revocation owner"), createTenant("Revocation other")]);
});

/** A fresh genuine token of `tenant` (default: the owner), with its jti. */
async function freshToken(tenant: TestTenant = owner): Promise<{ token: string; jti: string; exp: number }> {
  const license = await seedLicense(tenant.tenantId);
  const { token } = await issueToken(license.licenseKey);
  const claims = decodeJwt(token);
  return { token, jti: claims.jti!, exp: claims.exp! };
}

/** Revokes through the worker and waits for the deferred KV write. */
const revoke = (apiKey: string, body: Record<string, unknown>) => callWithEnv({}, "/v1/licenses/revoke-token", { token: apiKey, body });

const revocationRows = (tenantId: string, jti: string) =>
  withDb((db) =>
    db
      .select()
      .from(revokedTokens)
      .where(and(eq(revokedTokens.tenantId, tenantId), eq(revokedTokens.jti, jti))),
  );

const kvKey = (tenantId: string, jti: string) => `revoked:${tenantId}:${jti}`;

describe("POST /v1/licenses/revoke-token by the owning tenant", () => {
  it("makes introspection answer { active: false, reason: token_revoked } immediately", async () => {
    const { token, jti } = await freshToken();
    expect((await introspect(owner.apiKey, token)).body.active).toBe(true);
    // Through the worker's own fetch handler, without waiting for deferred work: Postgres alone decides.
    const res = await call("/v1/licenses/revoke-token", { token: owner.apiKey, body: { license_token: token } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ revoked: true, jti });
    expect((await introspect(owner.apiKey, token)).body).toEqual({ active: false, reason: "token_revoked" });
  });

  it("is idempotent: 200 both times and one revocation row", async () => {
    const { token, jti } = await freshToken();
    const first = await revoke(owner.apiKey, { license_token: token });
    const second = await revoke(owner.apiKey, { license_token: token });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await json(second)).toMatchObject({ revoked: true, jti });
    const third = await revoke(owner.apiKey, { jti });
    expect(third.status).toBe(200);
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(1);
    expect((await introspect(owner.apiKey, token)).body).toEqual({ active: false, reason: "token_revoked" });
  });

  it("revokes by jti alone", async () => {
    const { token, jti } = await freshToken();
    const res = await revoke(owner.apiKey, { jti });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ revoked: true, jti });
    expect((await introspect(owner.apiKey, token)).body).toEqual({ active: false, reason: "token_revoked" });
    const [row] = await revocationRows(owner.tenantId, jti);
    expect(row).toMatchObject({ tenantId: owner.tenantId, jti });
  });

  it("writes the KV denylist entry under the tenant's namespace, expiring with the token", async () => {
    const { token, jti, exp } = await freshToken();
    expect(await env.REVOCATIONS.get(kvKey(owner.tenantId, jti))).toBeNull();
    expect((await revoke(owner.apiKey, { license_token: token })).status).toBe(200);
    expect(await env.REVOCATIONS.get(kvKey(owner.tenantId, jti))).not.toBeNull();
    const listed = await env.REVOCATIONS.list({ prefix: kvKey(owner.tenantId, jti) });
    expect(listed.keys).toHaveLength(1);
    // TTL = the token's remaining life plus the verifiers' clock tolerance (KV's 60 s floor
    // aside): gone once no verifier would accept the token any more.
    const expiration = listed.keys[0]!.expiration!;
    expect(expiration).toBeGreaterThanOrEqual(exp + REVOCATION_RETENTION_S - 2);
    expect(expiration).toBeLessThanOrEqual(exp + REVOCATION_RETENTION_S + 2);
    // Nothing under any other tenant's namespace.
    expect((await env.REVOCATIONS.list({ prefix: kvKey(other.tenantId, jti) })).keys).toHaveLength(0);
  });

  it("treats a KV denylist entry alone (Postgres not yet told) as revoked", async () => {
    const { token, jti } = await freshToken();
    await env.REVOCATIONS.put(kvKey(owner.tenantId, jti), "1", { expirationTtl: 120 });
    expect((await introspect(owner.apiKey, token)).body).toEqual({ active: false, reason: "token_revoked" });
  });

  it("ignores a denylist entry in another tenant's namespace", async () => {
    const { token, jti } = await freshToken();
    await env.REVOCATIONS.put(kvKey(other.tenantId, jti), "1", { expirationTtl: 120 });
    expect((await introspect(owner.apiKey, token)).body).toMatchObject({ active: true, jti });
  });
});

describe("POST /v1/licenses/revoke-token across tenants", () => {
  it("answers 200 to another tenant revoking by jti, but the owner's token stays active", async () => {
    const { token, jti } = await freshToken();
    const res = await revoke(other.apiKey, { jti });
    expect(res.status).toBe(200);
    expect((await introspect(owner.apiKey, token)).body).toMatchObject({ active: true, jti });
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(0);
    expect(await env.REVOCATIONS.get(kvKey(owner.tenantId, jti))).toBeNull();
  });

  it("answers 200 to another tenant revoking by license_token, but records nothing and the token stays active", async () => {
    const { token, jti } = await freshToken();
    const res = await revoke(other.apiKey, { license_token: token });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ revoked: true, jti });
    expect((await introspect(owner.apiKey, token)).body).toMatchObject({ active: true, jti });
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(0);
    expect(await revocationRows(other.tenantId, jti)).toHaveLength(0);
    expect(await env.REVOCATIONS.get(kvKey(owner.tenantId, jti))).toBeNull();
    expect(await env.REVOCATIONS.get(kvKey(other.tenantId, jti))).toBeNull();
  });

  it("answers another tenant the same way for a live, a revoked and an unknown jti", async () => {
    const live = await freshToken();
    const revoked = await freshToken();
    expect((await revoke(owner.apiKey, { jti: revoked.jti })).status).toBe(200);
    for (const jti of [live.jti, revoked.jti, crypto.randomUUID()]) {
      const body = await json(await revoke(other.apiKey, { jti }));
      expect(Object.keys(body).sort()).toEqual(["expires_at", "jti", "revoked"]);
      expect(body).toMatchObject({ revoked: true, jti });
    }
    // And introspection tells the other tenant nothing of the owner's revocation.
    expect((await introspect(other.apiKey, revoked.token)).body).toEqual({ active: false });
  });
});

describe("POST /v1/licenses/revoke-token authorization and input", () => {
  it("answers 401 UNAUTHORIZED without an API key and records nothing", async () => {
    const { token, jti } = await freshToken();
    await expectError(await revoke("", { license_token: token }), 401, "UNAUTHORIZED");
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(0);
    expect((await introspect(owner.apiKey, token)).body.active).toBe(true);
  });

  it("answers 403 FORBIDDEN to a key without tokens:revoke and records nothing", async () => {
    const { token, jti } = await freshToken();
    const key = await insertApiKey(owner.tenantId, { permissions: ["tokens:introspect"] });
    const error = await expectError(await revoke(key.secret, { jti }), 403, "FORBIDDEN");
    expect(error.message).toContain("tokens:revoke");
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(0);
    expect((await introspect(owner.apiKey, token)).body.active).toBe(true);
  });

  it("answers 400 to a forged license_token and records nothing", async () => {
    const { token, jti } = await freshToken();
    const attacker = await makeKey();
    // Same claims and kid as the genuine token, signed by a key the service never published.
    const forged = await forge(attacker, decodeJwt(token), { kid: decodeProtectedHeader(token).kid });
    await expectError(await revoke(owner.apiKey, { license_token: forged }), 400, "BAD_REQUEST");
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(0);
  });

  it("answers 422 to a body with both jti and license_token, or with unknown fields", async () => {
    const { token, jti } = await freshToken();
    await expectError(await revoke(owner.apiKey, { jti, license_token: token }), 422, "VALIDATION_FAILED");
    await expectError(await revoke(owner.apiKey, { jti, tenant_id: other.tenantId }), 422, "VALIDATION_FAILED");
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(0);
  });
});

describe("a revocation past the token's exp", () => {
  afterEach(() => vi.useRealTimers());

  it("is kept by the sweep while introspection's clock tolerance still accepts the token", async () => {
    // A license ending in a minute gives a token ending then too: the sweeps below, run at a
    // clock just past it, cannot reach the longer-lived revocations of suites running alongside.
    const license = await seedLicense(owner.tenantId, { expiresAt: new Date(Date.now() + 60_000) });
    const { token } = await issueToken(license.licenseKey);
    const { jti, exp } = decodeJwt(token) as { jti: string; exp: number };
    expect((await revoke(owner.apiKey, { token })).status).toBe(200);
    // Postgres alone must hold it: drop the edge copy as KV would after its TTL.
    await env.REVOCATIONS.delete(kvKey(owner.tenantId, jti));
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((exp + 10) * 1000);
    await withDb((db) => sweepRevocations(db, new Date()));
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(1);
    // 10 s past exp is inside the 30 s tolerance: without the row the token would be active again.
    expect((await introspect(owner.apiKey, token)).body).toEqual({ active: false, reason: "token_revoked" });

    // Once no verifier accepts the token any more, the row can go; the token is then just expired.
    vi.setSystemTime((exp + INTROSPECTION_CLOCK_TOLERANCE_S + 1) * 1000);
    await withDb((db) => sweepRevocations(db, new Date()));
    expect(await revocationRows(owner.tenantId, jti)).toHaveLength(0);
    expect((await introspect(owner.apiKey, token)).body).toEqual({ active: false, reason: "expired" });
  });
});
