import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { applications, licenses, policies } from "../../src/db/schema";
import { call, createTenant, expectError, insertApiKey, type TestTenant, withDb } from "../harness";
import { createApplication, createLicense, createPolicy, storedApplication, storedPolicy } from "./helpers";

let t: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  t = await createTenant("admin errors");
  other = await createTenant("admin errors, other tenant");
});

describe("admin API: request validation", () => {
  it("refuses PATCH bodies that try to set id, tenant_id, timestamps or the application (422, nothing changed)", async () => {
    const app = await createApplication(t, "Stays");
    const pol = await createPolicy(t, { name: "Stays" });
    const before = { app: await storedApplication(app.id), pol: await storedPolicy(pol.id) };
    const attempts: [string, Record<string, unknown>][] = [
      [`/v1/applications/${app.id}`, { name: "Hijack", tenant_id: other.tenantId }],
      [`/v1/applications/${app.id}`, { name: "Hijack", id: "app_chosen" }],
      [`/v1/applications/${app.id}`, { name: "Hijack", created_at: "2000-01-01T00:00:00Z" }],
      [`/v1/applications/${app.id}`, { updated_at: "2000-01-01T00:00:00Z" }],
      [`/v1/policies/${pol.id}`, { name: "Hijack", tenant_id: other.tenantId }],
      [`/v1/policies/${pol.id}`, { name: "Hijack", id: "pol_chosen" }],
      [`/v1/policies/${pol.id}`, { name: "Hijack", created_at: "2000-01-01T00:00:00Z" }],
      [`/v1/policies/${pol.id}`, { application_id: app.id }],
      [`/v1/policies/${pol.id}`, { maxActivations: 1 }],
    ];
    for (const [path, body] of attempts) {
      const error = await expectError(await call(path, { token: t.apiKey, method: "PATCH", body }), 422, "VALIDATION_FAILED");
      expect(JSON.stringify(error.details), JSON.stringify(body)).toMatch(/unrecognized|keys/i);
    }
    expect(await storedApplication(app.id)).toEqual(before.app);
    expect(await storedPolicy(pol.id)).toEqual(before.pol);
  });

  it("refuses POST bodies that try to choose id, tenant_id or timestamps (422, nothing created)", async () => {
    const count0 = await withDb(async (db) => ({
      apps: (await db.select({ n: count() }).from(applications).where(eq(applications.tenantId, t.tenantId)))[0]!.n,
      pols: (await db.select({ n: count() }).from(policies).where(eq(policies.tenantId, t.tenantId)))[0]!.n,
      foreign: (await db.select({ n: count() }).from(applications).where(eq(applications.tenantId, other.tenantId)))[0]!.n,
    }));
    const attempts: [string, Record<string, unknown>][] = [
      ["/v1/applications", { name: "X", id: "app_chosen" }],
      ["/v1/applications", { name: "X", tenant_id: other.tenantId }],
      ["/v1/applications", { name: "X", created_at: "2000-01-01T00:00:00Z" }],
      ["/v1/policies", { name: "X", id: "pol_chosen" }],
      ["/v1/policies", { name: "X", tenant_id: other.tenantId }],
      ["/v1/policies", { name: "X", updated_at: "2000-01-01T00:00:00Z" }],
    ];
    for (const [path, body] of attempts) {
      await expectError(await call(path, { token: t.apiKey, body }), 422, "VALIDATION_FAILED");
    }
    const count1 = await withDb(async (db) => ({
      apps: (await db.select({ n: count() }).from(applications).where(eq(applications.tenantId, t.tenantId)))[0]!.n,
      pols: (await db.select({ n: count() }).from(policies).where(eq(policies.tenantId, t.tenantId)))[0]!.n,
      foreign: (await db.select({ n: count() }).from(applications).where(eq(applications.tenantId, other.tenantId)))[0]!.n,
    }));
    expect(count1).toEqual(count0);
    expect(await storedApplication("app_chosen")).toBeUndefined();
    expect(await storedPolicy("pol_chosen")).toBeUndefined();
  });

  it("refuses empty PATCH bodies and invalid values", async () => {
    const app = await createApplication(t);
    const pol = await createPolicy(t);
    const bad: [string, unknown][] = [
      [`/v1/applications/${app.id}`, {}],
      [`/v1/applications/${app.id}`, { name: "   " }],
      [`/v1/applications/${app.id}`, { name: null }],
      [`/v1/applications/${app.id}`, { name: "x".repeat(201) }],
      [`/v1/policies/${pol.id}`, {}],
      [`/v1/policies/${pol.id}`, { name: null }],
      [`/v1/policies/${pol.id}`, { binding_mode: "usb" }],
      [`/v1/policies/${pol.id}`, { token_tier: "platinum" }],
      [`/v1/policies/${pol.id}`, { max_activations: -1 }],
      [`/v1/policies/${pol.id}`, { heartbeat_interval_s: 0 }],
      [`/v1/policies/${pol.id}`, { heartbeat_grace_s: null }],
      [`/v1/policies/${pol.id}`, { max_activations: 1.5 }],
    ];
    for (const [path, body] of bad) {
      await expectError(await call(path, { token: t.apiKey, method: "PATCH", body }), 422, "VALIDATION_FAILED");
    }
    await expectError(
      await call(`/v1/policies/${pol.id}`, { token: t.apiKey, method: "PATCH", rawBody: "{", headers: { "Content-Type": "application/json" } }),
      400,
      "INVALID_JSON",
    );
  });

  it("refuses bad list queries", async () => {
    for (const path of ["/v1/applications?limit=0", "/v1/applications?limit=101", "/v1/policies?limit=abc", `/v1/policies?starting_after=${"x".repeat(65)}`]) {
      await expectError(await call(path, { token: t.apiKey }), 422, "VALIDATION_FAILED");
    }
  });

  it("answers 404 NOT_FOUND for unknown ids", async () => {
    for (const [method, path, body] of [
      ["GET", "/v1/applications/app_missing", undefined],
      ["PATCH", "/v1/applications/app_missing", { name: "x" }],
      ["DELETE", "/v1/applications/app_missing", undefined],
      ["GET", "/v1/policies/pol_missing", undefined],
      ["PATCH", "/v1/policies/pol_missing", { name: "x" }],
      ["PATCH", "/v1/policies/pol_missing", { max_deactivations: 3 }],
      ["DELETE", "/v1/policies/pol_missing", undefined],
    ] as const) {
      await expectError(await call(path, { token: t.apiKey, method, body }), 404, "NOT_FOUND");
    }
  });
});

describe("admin API: delete conflicts", () => {
  it("refuses to delete an application its policies use (409), and deletes it once they are gone", async () => {
    const app = await createApplication(t);
    const pol = await createPolicy(t, { application_id: app.id });
    const error = await expectError(await call(`/v1/applications/${app.id}`, { token: t.apiKey, method: "DELETE" }), 409, "CONFLICT");
    expect(error.message).toMatch(/polic/i);
    expect(await storedApplication(app.id)).toBeDefined();
    expect((await call(`/v1/policies/${pol.id}`, { token: t.apiKey, method: "DELETE" })).status).toBe(204);
    expect((await call(`/v1/applications/${app.id}`, { token: t.apiKey, method: "DELETE" })).status).toBe(204);
  });

  it("refuses to delete an application its licenses use, even under an application-less policy (409)", async () => {
    const app = await createApplication(t);
    const pol = await createPolicy(t);
    const lic = await createLicense(t, { policy_id: pol.id, application_id: app.id });
    await expectError(await call(`/v1/applications/${app.id}`, { token: t.apiKey, method: "DELETE" }), 409, "CONFLICT");
    expect(await storedApplication(app.id)).toBeDefined();
    await withDb((db) =>
      db
        .delete(licenses)
        .where(eq(licenses.id, lic.id))
        .then(() => undefined),
    );
    expect((await call(`/v1/applications/${app.id}`, { token: t.apiKey, method: "DELETE" })).status).toBe(204);
  });

  it("refuses to delete a policy licenses follow (409), and deletes it once they are gone", async () => {
    const pol = await createPolicy(t);
    const lic = await createLicense(t, { policy_id: pol.id });
    const error = await expectError(await call(`/v1/policies/${pol.id}`, { token: t.apiKey, method: "DELETE" }), 409, "CONFLICT");
    expect(error.message).toMatch(/licen/i);
    expect(await storedPolicy(pol.id)).toBeDefined();
    // The license still works: nothing was half-deleted.
    expect((await call(`/v1/licenses/${lic.id}`, { token: t.apiKey })).status).toBe(200);
    await withDb((db) =>
      db
        .delete(licenses)
        .where(eq(licenses.id, lic.id))
        .then(() => undefined),
    );
    expect((await call(`/v1/policies/${pol.id}`, { token: t.apiKey, method: "DELETE" })).status).toBe(204);
  });
});

describe("admin API: permissions", () => {
  it("answers 403 FORBIDDEN to a key without the route's permission, and changes nothing", async () => {
    const app = await createApplication(t, "Guarded");
    const pol = await createPolicy(t, { name: "Guarded" });
    const readOnly = await insertApiKey(t.tenantId, { permissions: ["applications:read", "policies:read"] });
    const licensesOnly = await insertApiKey(t.tenantId, { permissions: ["licenses:read", "licenses:write"] });

    const writes = [
      ["PATCH", `/v1/applications/${app.id}`, { name: "x" }, "applications:write"],
      ["DELETE", `/v1/applications/${app.id}`, undefined, "applications:write"],
      ["PATCH", `/v1/policies/${pol.id}`, { name: "x" }, "policies:write"],
      ["DELETE", `/v1/policies/${pol.id}`, undefined, "policies:write"],
    ] as const;
    for (const [method, path, body, permission] of writes) {
      const error = await expectError(await call(path, { token: readOnly.secret, method, body }), 403, "FORBIDDEN");
      expect(error.message).toContain(permission);
    }
    const reads = [
      [`/v1/applications`, "applications:read"],
      [`/v1/applications/${app.id}`, "applications:read"],
      [`/v1/policies`, "policies:read"],
      [`/v1/policies/${pol.id}`, "policies:read"],
    ] as const;
    for (const [path, permission] of reads) {
      expect((await call(path, { token: readOnly.secret })).status).toBe(200);
      const error = await expectError(await call(path, { token: licensesOnly.secret }), 403, "FORBIDDEN");
      expect(error.message).toContain(permission);
    }
    expect((await storedApplication(app.id))?.name).toBe("Guarded");
    expect((await storedPolicy(pol.id))?.name).toBe("Guarded");
  });

  it("answers 401 without credentials", async () => {
    for (const [method, path] of [
      ["GET", "/v1/applications"],
      ["GET", "/v1/applications/app_x"],
      ["PATCH", "/v1/applications/app_x"],
      ["DELETE", "/v1/policies/pol_x"],
    ] as const) {
      await expectError(await call(path, { method, body: method === "PATCH" ? { name: "x" } : undefined }), 401, "UNAUTHORIZED");
    }
  });
});
