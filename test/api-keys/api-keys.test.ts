import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { apiKeys } from "../../src/db/schema";
import { call, createTenant, insertApiKey, json, type TestTenant, withDb } from "../harness";

const createKey = async (token: string, body: Record<string, unknown>) => {
  const res = await call("/v1/api-keys", { token, body });
  return { status: res.status, body: await json(res) };
};
const whoAmI = (token: string) => call("/v1/tenant", { token });

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("api keys tenant");
});
afterEach(() => vi.useRealTimers());

describe("POST /v1/api-keys (createApiKey)", () => {
  it("creates a key whose secret is shown once and stored only as a hash", async () => {
    const { status, body } = await createKey(tenant.apiKey, { name: "ci", permissions: ["tenants:read", "licenses:read"] });
    expect(status).toBe(201);
    expect(body.key).toMatch(/^sk_[1-9A-HJ-NP-Za-km-z]{40}$/);
    expect(body.key.startsWith(body.prefix)).toBe(true);
    expect((await whoAmI(body.key)).status).toBe(200);
    const got = await json(await call(`/v1/api-keys/${body.id}`, { token: tenant.apiKey }));
    expect(got).not.toHaveProperty("key");
    expect(JSON.stringify(got)).not.toContain(body.key);
    const [row] = await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.id, body.id)));
    expect(
      Object.values(row!)
        .map(String)
        .some((v) => v.includes(body.key.slice(3))),
    ).toBe(false);
  });

  it("only grants a subset of the creator's permissions", async () => {
    const limited = await insertApiKey(tenant.tenantId, { permissions: ["api_keys:write", "tenants:read"] });
    expect((await createKey(limited.secret, { name: "ok", permissions: ["tenants:read"] })).status).toBe(201);
    const escalate = await createKey(limited.secret, { name: "no", permissions: ["tenants:read", "licenses:write"] });
    expect(escalate.status).toBe(403);
    expect(escalate.body.error.code).toBe("FORBIDDEN");
  });

  it("refuses unknown permissions and unknown fields", async () => {
    expect((await createKey(tenant.apiKey, { name: "x", permissions: ["root"] })).status).toBe(422);
    expect((await createKey(tenant.apiKey, { name: "x", permissions: ["tenants:read"], tenant_id: "tnt_other" })).status).toBe(422);
  });

  it("expires: a key past expires_at answers 401", async () => {
    const { body } = await createKey(tenant.apiKey, { name: "short", permissions: ["tenants:read"], expires_at: new Date(Date.now() + 60_000).toISOString() });
    expect((await whoAmI(body.key)).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000);
    expect((await whoAmI(body.key)).status).toBe(401);
  });
});

describe("GET /v1/api-keys (listApiKeys)", () => {
  it("lists keys with prefix and metadata only, paginated", async () => {
    const t = await createTenant("api keys list");
    for (const name of ["a", "b", "c"]) await createKey(t.apiKey, { name, permissions: ["tenants:read"] });
    const first = await json(await call("/v1/api-keys?limit=2", { token: t.apiKey }));
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);
    const second = await json(await call(`/v1/api-keys?limit=2&starting_after=${first.next_cursor}`, { token: t.apiKey }));
    expect(second.data).toHaveLength(2); // 3 created + the bootstrap key
    expect(second.has_more).toBe(false);
    for (const k of [...first.data, ...second.data]) expect(k).not.toHaveProperty("key");
  });
});

describe("POST /v1/api-keys/{id}/revoke (revokeApiKey)", () => {
  it("revokes: the key answers 401 on its next request, with the unknown-key body", async () => {
    const { body } = await createKey(tenant.apiKey, { name: "to revoke", permissions: ["tenants:read"] });
    const revoked = await call(`/v1/api-keys/${body.id}/revoke`, { token: tenant.apiKey, method: "POST" });
    expect((await json(revoked)).revoked_at).not.toBeNull();
    const res = await whoAmI(body.key);
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe("UNAUTHORIZED");
  });
});

describe("POST /v1/api-keys/{id}/rotate (rotateApiKey)", () => {
  it("rotates with an overlap window: old and new work during the grace period, then only the new", async () => {
    const { body } = await createKey(tenant.apiKey, { name: "rotating", permissions: ["tenants:read"] });
    const res = await call(`/v1/api-keys/${body.id}/rotate`, { token: tenant.apiKey, body: { grace_period_s: 600 } });
    expect(res.status).toBe(200);
    const rotated = await json(res);
    expect(rotated.key.key).toMatch(/^sk_/);
    expect(rotated.key.permissions).toEqual(["tenants:read"]);
    expect(rotated.previous.replaced_by).toBe(rotated.key.id);
    expect((await whoAmI(body.key)).status).toBe(200);
    expect((await whoAmI(rotated.key.key)).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 601_000);
    expect((await whoAmI(body.key)).status).toBe(401);
    expect((await whoAmI(rotated.key.key)).status).toBe(200);
  });

  it("refuses to rotate a key twice (409)", async () => {
    const { body } = await createKey(tenant.apiKey, { name: "once", permissions: ["tenants:read"] });
    expect((await call(`/v1/api-keys/${body.id}/rotate`, { token: tenant.apiKey, body: {} })).status).toBe(200);
    expect((await call(`/v1/api-keys/${body.id}/rotate`, { token: tenant.apiKey, body: {} })).status).toBe(409);
  });
});

describe("another tenant's key: GET /v1/api-keys/{id} (getApiKey), PATCH /v1/api-keys/{id} (updateApiKey), revoke and rotate", () => {
  it("hides another tenant's keys (404) and lets nobody act on them", async () => {
    const other = await createTenant("api keys other");
    for (const [path, method] of [
      [`/v1/api-keys/${tenant.apiKeyId}`, "GET"],
      [`/v1/api-keys/${tenant.apiKeyId}/revoke`, "POST"],
    ] as const) {
      expect((await call(path, { token: other.apiKey, method })).status).toBe(404);
    }
    expect((await call(`/v1/api-keys/${tenant.apiKeyId}/rotate`, { token: other.apiKey, body: {} })).status).toBe(404);
    expect((await call(`/v1/api-keys/${tenant.apiKeyId}`, { token: other.apiKey, method: "PATCH", body: { name: "x" } })).status).toBe(404);
    expect((await whoAmI(tenant.apiKey)).status).toBe(200);
  });
});
