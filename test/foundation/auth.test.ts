// API-key authentication on GET /v1/tenant (needs `tenants:read`). Every way of failing to
// authenticate gets the same 401 body, so a caller cannot tell which keys exist; a valid key
// without the permission gets 403; each key sees only its own tenant.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { newApiKey, newLicenseKey } from "../../src/crypto/random";
import { apiKeys } from "../../src/db/schema";
import { call, callWithEnv, createTenant, expectError, insertApiKey, json, type TestTenant, withDb, withoutRequestId } from "../harness";

const HOUR = 3_600_000;

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("Auth tenant");
});

const getTenant = (authorization?: string) =>
  call("/v1/tenant", {
    headers: authorization ? { Authorization: authorization } : {},
  });

describe("GET /v1/tenant authentication", () => {
  it("answers 200 with the key's own tenant and permissions for a valid key", async () => {
    const res = await call("/v1/tenant", { token: tenant.apiKey });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ id: tenant.tenantId, name: "Auth tenant", plan_tier: "pro" });
    expect(body.credential.id).toBe(tenant.apiKeyId);
    expect(body.credential.permissions).toContain("tenants:read");
  });

  it("accepts the Bearer scheme in any letter case", async () => {
    const res = await call("/v1/tenant", { headers: { Authorization: `bearer ${tenant.apiKey}` } });
    expect(res.status).toBe(200);
  });

  it("answers every authentication failure with the same 401 body", async () => {
    const revoked = await insertApiKey(tenant.tenantId, { revokedAt: new Date(Date.now() - HOUR) });
    const expired = await insertApiKey(tenant.tenantId, { expiresAt: new Date(Date.now() - HOUR) });
    const failures: [string, string | undefined][] = [
      ["missing header", undefined],
      ["empty header", " "],
      ["Basic scheme", `Basic ${btoa(`user:${tenant.apiKey}`)}`],
      ["key without scheme", tenant.apiKey],
      ["Token scheme", `Token ${tenant.apiKey}`],
      ["Bearer without key", "Bearer"],
      ["malformed key", "Bearer sk_short"],
      ["key with a trailing extra", `Bearer ${tenant.apiKey}x`],
      ["two credentials", `Bearer ${tenant.apiKey} ${tenant.apiKey}`],
      ["license key instead of API key", `Bearer ${newLicenseKey()}`],
      ["unknown well-formed key", `Bearer ${newApiKey()}`],
      ["revoked key", `Bearer ${revoked.secret}`],
      ["expired key", `Bearer ${expired.secret}`],
    ];
    const bodies = new Map<string, string>();
    for (const [reason, authorization] of failures) {
      const res = await getTenant(authorization);
      const text = await res.clone().text();
      await expectError(res, 401, "UNAUTHORIZED");
      bodies.set(reason, withoutRequestId(text));
    }
    const reference = bodies.get("missing header");
    for (const [reason, text] of bodies) expect(text, reason).toBe(reference);
  });

  it("accepts a key whose expiry is still ahead", async () => {
    const key = await insertApiKey(tenant.tenantId, { expiresAt: new Date(Date.now() + HOUR) });
    expect((await call("/v1/tenant", { token: key.secret })).status).toBe(200);
  });

  it("answers 403 FORBIDDEN to a valid key without tenants:read", async () => {
    const key = await insertApiKey(tenant.tenantId, { permissions: ["licenses:read", "licenses:write"] });
    const error = await expectError(await call("/v1/tenant", { token: key.secret }), 403, "FORBIDDEN");
    expect(error.message).toContain("tenants:read");
  });

  it("records when a key was last used", async () => {
    const key = await insertApiKey(tenant.tenantId);
    const lastUsed = () => withDb(async (db) => (await db.select().from(apiKeys).where(eq(apiKeys.id, key.id)))[0]!.lastUsedAt);
    expect(await lastUsed()).toBeNull();
    // callWithEnv waits for the work deferred past the response.
    expect((await callWithEnv({}, "/v1/tenant", { token: key.secret })).status).toBe(200);
    expect(await lastUsed()).toBeInstanceOf(Date);
  });
});

describe("tenant isolation", () => {
  it("shows each key its own tenant only", async () => {
    const [a, b] = await Promise.all([createTenant("Isolation A"), createTenant("Isolation B")]);
    const seenByA = await json(await call("/v1/tenant", { token: a.apiKey }));
    const seenByB = await json(await call("/v1/tenant", { token: b.apiKey }));
    expect(seenByA).toMatchObject({ id: a.tenantId, name: "Isolation A" });
    expect(seenByB).toMatchObject({ id: b.tenantId, name: "Isolation B" });
    expect(a.tenantId).not.toBe(b.tenantId);
  });
});
