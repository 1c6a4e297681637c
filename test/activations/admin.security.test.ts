// Admin API security for licenses and activations: tenant isolation, permissions, no mass
// assignment, and the license key shown once.

import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Permission } from "../../src/contract/permissions";
import { sha256Hex } from "../../src/crypto/hash";
import { licenses } from "../../src/db/schema";
import { call, createTenant, expectError, insertApiKey, json, type TestTenant, withDb } from "../harness";
import { type AdminLicense, activate, activationRows, createPolicy, licenseRow, newLicense, seatState } from "./helpers";

let owner: TestTenant;
let intruder: TestTenant;
let victim: AdminLicense;
let victimActivationId: string;

beforeAll(async () => {
  owner = await createTenant("admin security owner");
  intruder = await createTenant("admin security intruder");
  victim = await newLicense(owner, { max_activations: 5 });
  const res = await activate(victim.key, "victim-device-1");
  victimActivationId = (await json(res)).activation.id;
  expect((await activate(victim.key, "victim-device-2")).status).toBe(201);
});

const licenseCount = (tenantId: string) => withDb(async (db) => (await db.select({ n: count() }).from(licenses).where(eq(licenses.tenantId, tenantId)))[0]!.n);

describe("tenant isolation", () => {
  it("GET and DELETE of another tenant's activations answer 404, exactly like an unknown license, and release nothing", async () => {
    const before = await seatState(victim.id);
    const unknown = "lic_1111111111111111111111";
    const requests: [string, string][] = [
      ["GET", `/v1/licenses/${victim.id}/activations`],
      ["GET", `/v1/licenses/${victim.id}/activations?include_released=true`],
      ["DELETE", `/v1/licenses/${victim.id}/activations`],
      ["DELETE", `/v1/licenses/${victim.id}/activations/${victimActivationId}`],
    ];
    for (const [method, path] of requests) {
      const foreign = await expectError(await call(path, { token: intruder.apiKey, method }), 404, "NOT_FOUND");
      const missing = await expectError(await call(path.replace(victim.id, unknown), { token: intruder.apiKey, method }), 404, "NOT_FOUND");
      expect(foreign.message).toBe(missing.message);
    }
    expect(await seatState(victim.id)).toEqual(before);
  });

  it("an activation id of another tenant under one's own license answers 404 and stays live", async () => {
    const own = await newLicense(intruder, { max_activations: 5 });
    expect((await activate(own.key, "own-device")).status).toBe(201);
    const res = await call(`/v1/licenses/${own.id}/activations/${victimActivationId}`, { token: intruder.apiKey, method: "DELETE" });
    await expectError(res, 404, "NOT_FOUND");
    const row = (await activationRows(victim.id)).find((r) => r.id === victimActivationId)!;
    expect(row.deactivatedAt).toBeNull();
    expect(await seatState(own.id)).toMatchObject({ stored: 1, live: 1 });
  });

  it("GET, PATCH and every lifecycle action on another tenant's license answer 404 and change nothing", async () => {
    const before = await licenseRow(victim.id);
    const attempts: [string, string, unknown][] = [
      ["GET", `/v1/licenses/${victim.id}`, undefined],
      ["PATCH", `/v1/licenses/${victim.id}`, { plan: "stolen" }],
      ["POST", `/v1/licenses/${victim.id}/suspend`, undefined],
      ["POST", `/v1/licenses/${victim.id}/reinstate`, undefined],
      ["POST", `/v1/licenses/${victim.id}/revoke`, undefined],
      ["POST", `/v1/licenses/${victim.id}/renew`, { extend_by_s: 3600 }],
    ];
    for (const [method, path, body] of attempts) {
      await expectError(await call(path, { token: intruder.apiKey, method, ...(body ? { body } : {}) }), 404, "NOT_FOUND");
    }
    expect(await licenseRow(victim.id)).toEqual(before);
  });

  it("a license cannot be created under another tenant's policy (404)", async () => {
    const foreignPolicy = await createPolicy(owner);
    const before = await licenseCount(intruder.tenantId);
    await expectError(await call("/v1/licenses", { token: intruder.apiKey, body: { policy_id: foreignPolicy.id } }), 404, "NOT_FOUND");
    expect(await licenseCount(intruder.tenantId)).toBe(before);
  });
});

describe("permissions", () => {
  const keyWith = async (permissions: Permission[]) => (await insertApiKey(owner.tenantId, { permissions })).secret;

  it("a key without licenses:write gets 403 on POST /v1/licenses and nothing is created", async () => {
    const key = await keyWith(["licenses:read", "policies:read", "policies:write", "activations:read", "activations:write"]);
    const policy = await createPolicy(owner);
    const before = await licenseCount(owner.tenantId);
    await expectError(await call("/v1/licenses", { token: key, body: { policy_id: policy.id } }), 403, "FORBIDDEN");
    expect(await licenseCount(owner.tenantId)).toBe(before);
  });

  it("a key without licenses:write gets 403 on PATCH and every lifecycle action, and the license is unchanged", async () => {
    const key = await keyWith(["licenses:read", "activations:read", "activations:write"]);
    const license = await newLicense(owner);
    const before = await licenseRow(license.id);
    const attempts: [string, string, unknown][] = [
      ["PATCH", `/v1/licenses/${license.id}`, { plan: "upgraded" }],
      ["POST", `/v1/licenses/${license.id}/suspend`, undefined],
      ["POST", `/v1/licenses/${license.id}/reinstate`, undefined],
      ["POST", `/v1/licenses/${license.id}/revoke`, undefined],
      ["POST", `/v1/licenses/${license.id}/renew`, { extend_by_s: 3600 }],
    ];
    for (const [method, path, body] of attempts) {
      await expectError(await call(path, { token: key, method, ...(body ? { body } : {}) }), 403, "FORBIDDEN");
    }
    expect(await licenseRow(license.id)).toEqual(before);
    // Reading is still allowed.
    expect((await call(`/v1/licenses/${license.id}`, { token: key })).status).toBe(200);
  });

  it("a key without activations:write cannot release activations (403); without activations:read cannot list them (403)", async () => {
    const readOnly = await keyWith(["licenses:read", "activations:read"]);
    const before = await seatState(victim.id);
    await expectError(await call(`/v1/licenses/${victim.id}/activations`, { token: readOnly, method: "DELETE" }), 403, "FORBIDDEN");
    await expectError(await call(`/v1/licenses/${victim.id}/activations/${victimActivationId}`, { token: readOnly, method: "DELETE" }), 403, "FORBIDDEN");
    expect(await seatState(victim.id)).toEqual(before);
    expect((await call(`/v1/licenses/${victim.id}/activations`, { token: readOnly })).status).toBe(200);

    const writeOnly = await keyWith(["licenses:write"]);
    await expectError(await call(`/v1/licenses/${victim.id}/activations`, { token: writeOnly }), 403, "FORBIDDEN");
    // licenses:read alone no longer lists devices: that is what activations:read is for.
    const licenseReader = await keyWith(["licenses:read"]);
    await expectError(await call(`/v1/licenses/${victim.id}/activations`, { token: licenseReader }), 403, "FORBIDDEN");
  });

  it("no credential answers 401", async () => {
    await expectError(await call(`/v1/licenses/${victim.id}/activations`), 401, "UNAUTHORIZED");
    await expectError(await call(`/v1/licenses/${victim.id}/suspend`, { method: "POST" }), 401, "UNAUTHORIZED");
    await expectError(await call("/v1/licenses", { body: { policy_id: victim.policyId } }), 401, "UNAUTHORIZED");
    expect((await licenseRow(victim.id))!.status).toBe("active");
  });
});

describe("no mass assignment", () => {
  const smuggled: [string, unknown][] = [
    ["status", "suspended"],
    ["activation_count", -5],
    ["tenant_id", "tnt_someoneelse111111111111"],
    ["key_hash", "0".repeat(64)],
    ["key_prefix", "lk_evil"],
    ["key", `lk_${"A".repeat(40)}`],
    ["id", "lic_chosenbytheattacker1111"],
    ["created_at", "2000-01-01T00:00:00Z"],
  ];

  it.each(smuggled)("POST /v1/licenses with %s answers 422 and creates nothing", async (field, value) => {
    const policy = await createPolicy(owner);
    const before = await licenseCount(owner.tenantId);
    const error = await expectError(
      await call("/v1/licenses", { token: owner.apiKey, body: { policy_id: policy.id, [field]: value } }),
      422,
      "VALIDATION_FAILED",
    );
    expect(JSON.stringify(error.details)).toContain(field);
    expect(await licenseCount(owner.tenantId)).toBe(before);
  });

  it.each(smuggled)("PATCH /v1/licenses/{id} with %s answers 422 and changes nothing", async (field, value) => {
    const license = await newLicense(owner);
    const before = await licenseRow(license.id);
    // Alongside a legitimate field, which must not be applied either.
    const error = await expectError(
      await call(`/v1/licenses/${license.id}`, { token: owner.apiKey, method: "PATCH", body: { plan: "changed", [field]: value } }),
      422,
      "VALIDATION_FAILED",
    );
    expect(JSON.stringify(error.details)).toContain(field);
    expect(await licenseRow(license.id)).toEqual(before);
  });

  it("POST /v1/licenses/activate refuses fields the server owns (422, nothing written)", async () => {
    const license = await newLicense(owner, { max_activations: 5 });
    for (const [field, value] of [
      ["license_id", victim.id],
      ["tenant_id", intruder.tenantId],
      ["deactivated_at", null],
      ["last_heartbeat_at", "2100-01-01T00:00:00Z"],
      ["id", "act_chosen"],
    ] as const) {
      await expectError(await activate(license.key, "device-1", { [field]: value }), 422, "VALIDATION_FAILED");
    }
    expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 0 });
  });
});

describe("the license key", () => {
  it("is returned once at creation (lk_ + 40 base58) and never again: GET shows only key_prefix", async () => {
    const policy = await createPolicy(owner, { max_activations: 2 });
    const res = await call("/v1/licenses", { token: owner.apiKey, body: { policy_id: policy.id } });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.key).toMatch(/^lk_[1-9A-HJ-NP-Za-km-z]{40}$/);
    expect(created.key_prefix).toBe(created.key.slice(0, 7));
    const secretPart = created.key.slice(7);

    expect((await activate(created.key, "device-1")).status).toBe(201);
    const later = [
      await call(`/v1/licenses/${created.id}`, { token: owner.apiKey }),
      await call(`/v1/licenses/${created.id}`, { token: owner.apiKey, method: "PATCH", body: { plan: "gold" } }),
      await call(`/v1/licenses/${created.id}/suspend`, { token: owner.apiKey, method: "POST" }),
      await call(`/v1/licenses/${created.id}/reinstate`, { token: owner.apiKey, method: "POST" }),
      await call(`/v1/licenses/${created.id}/renew`, { token: owner.apiKey, body: { extend_by_s: 60 } }),
      await call(`/v1/licenses/${created.id}/activations?include_released=true`, { token: owner.apiKey }),
    ];
    for (const r of later) {
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).not.toContain(secretPart);
      expect(JSON.parse(text)).not.toHaveProperty("key");
    }
    const got = await json(await call(`/v1/licenses/${created.id}`, { token: owner.apiKey }));
    expect(got.key_prefix).toBe(created.key_prefix);

    // Stored only as its SHA-256.
    const row = await licenseRow(created.id);
    expect(row!.keyHash).toBe(await sha256Hex(created.key));
    expect(JSON.stringify(row)).not.toContain(secretPart);
  });

  it("differs for every license", async () => {
    const policy = await createPolicy(owner);
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) keys.add((await json(await call("/v1/licenses", { token: owner.apiKey, body: { policy_id: policy.id } }))).key);
    expect(keys.size).toBe(5);
  });
});
