// Operator bootstrap: POST /v1/tenants with the OPERATOR_TOKEN secret creates a tenant and its
// first API key. The key is shown once; only its SHA-256 hash is stored.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../src/contract/permissions";
import { sha256Hex } from "../../src/crypto/hash";
import { apiKeys } from "../../src/db/schema";
import { call, callWithEnv, expectError, json, withDb } from "../harness";

const operator = env.OPERATOR_TOKEN;
const body = { name: "Operator tenant" };

describe("POST /v1/tenants", () => {
  it("answers 401 without a token", async () => {
    await expectError(await call("/v1/tenants", { body }), 401, "UNAUTHORIZED");
  });

  it.each([
    ["a wrong token", "op_wrong"],
    ["the token with one character changed", `${operator.slice(0, -1)}${operator.endsWith("A") ? "B" : "A"}`],
    ["the token with a suffix", `${operator}x`],
    ["a prefix of the token", operator.slice(0, 10)],
  ])("answers 401 to %s", async (_, token) => {
    await expectError(await call("/v1/tenants", { token, body }), 401, "UNAUTHORIZED");
  });

  it("answers 401 to an API key: tenants' keys cannot create tenants", async () => {
    const created = await json(await call("/v1/tenants", { token: operator, body }));
    await expectError(await call("/v1/tenants", { token: created.api_key.key, body }), 401, "UNAUTHORIZED");
  });

  it("is closed, whatever the token, when OPERATOR_TOKEN is unset", async () => {
    for (const token of [undefined, "", "anything"]) {
      const res = await callWithEnv({ OPERATOR_TOKEN: "" }, "/v1/tenants", {
        body,
        headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
      });
      await expectError(res, 401, "UNAUTHORIZED");
    }
  });

  it("creates the tenant and an all-permission key, shown as sk_...", async () => {
    const res = await call("/v1/tenants", { token: operator, body: { name: "  Acme  ", plan_tier: "enterprise" } });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.tenant).toMatchObject({ id: expect.stringMatching(/^tnt_/), name: "Acme", plan_tier: "enterprise" });
    expect(created.api_key).toMatchObject({
      id: expect.stringMatching(/^key_/),
      name: "bootstrap",
      key: expect.stringMatching(/^sk_[1-9A-HJ-NP-Za-km-z]{40}$/),
      permissions: [...PERMISSIONS],
    });
    expect(created.api_key.key.startsWith(created.api_key.prefix)).toBe(true);
    expect(created.api_key.prefix.length).toBeLessThan(created.api_key.key.length);
  });

  it("defaults the plan tier to free", async () => {
    const created = await json(await call("/v1/tenants", { token: operator, body: { name: "Free tenant" } }));
    expect(created.tenant.plan_tier).toBe("free");
  });

  it("returns a key that authenticates as the new tenant", async () => {
    const created = await json(await call("/v1/tenants", { token: operator, body: { name: "Bootstrap check" } }));
    const res = await call("/v1/tenant", { token: created.api_key.key });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: created.tenant.id, credential: { id: created.api_key.id } });
  });

  it("stores the key's SHA-256 hash, never the key itself", async () => {
    const created = await json(await call("/v1/tenants", { token: operator, body: { name: "Hash check" } }));
    const key: string = created.api_key.key;
    const [row] = await withDb((db) =>
      db
        .select({ all: sql<Record<string, unknown>>`to_jsonb(${apiKeys})` })
        .from(apiKeys)
        .where(eq(apiKeys.id, created.api_key.id)),
    );
    const columns = row!.all;
    expect(columns.key_hash).toBe(await sha256Hex(key));
    // No column holds the key, or its random part.
    const stored = JSON.stringify(columns);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(3));
  });
});
