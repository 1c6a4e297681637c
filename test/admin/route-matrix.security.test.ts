// Every authenticated route of the OpenAPI document, checked the same way: another tenant's ids
// are 404 (never 403 or data), a credential without the route's permission is 403, and a
// rotated-out key is 401 with the same body as an unknown key.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, insertApiKey, issueToken, json, seedActivation, seedLicense, type TestTenant, withoutRequestId } from "../harness";

interface Operation {
  method: string;
  path: string;
}

/** Bodies that pass validation, so the check under test (404/403) is what answers. */
const BODIES: Record<string, unknown> = {
  "POST /v1/applications": { name: "x" },
  "PATCH /v1/applications/{id}": { name: "renamed" },
  "POST /v1/policies": { name: "x" },
  "PATCH /v1/policies/{id}": { name: "renamed" },
  "POST /v1/licenses": { policy_id: "pol_x" },
  "PATCH /v1/licenses/{id}": { plan: "changed" },
  "POST /v1/licenses/{id}/renew": { extend_by_s: 60 },
  "POST /v1/api-keys": { name: "x", permissions: ["tenants:read"] },
  "PATCH /v1/api-keys/{id}": { name: "renamed" },
  "POST /v1/api-keys/{id}/rotate": {},
  "POST /v1/user-tokens": { name: "x", permissions: ["tenants:read"] },
  "POST /v1/webhooks": { url: "https://example.com/hook" },
  "PATCH /v1/webhooks/{id}": { enabled: false },
  "POST /v1/webhooks/{id}/rotate-secret": {},
  "POST /v1/licenses/introspect": { token: "x.y.z" },
  "POST /v1/licenses/revoke-token": { jti: "some-jti" },
  "PUT /v1/metrics/alert-rules/{kind}": { threshold: 0.5 },
  "POST /v1/customers": { name: "x", email: "x@matrix.example" },
  "PATCH /v1/customers/{id}": { name: "renamed" },
  "POST /v1/customers/{id}/erase": { licenses: "keep" },
  "POST /v1/users": { customer_id: "cust_x", email: "x@matrix.example" },
  "PATCH /v1/users/{id}": { name: "renamed" },
  "POST /v1/groups": { customer_id: "cust_x", name: "x" },
  "PATCH /v1/groups/{id}": { name: "renamed" },
  "POST /v1/groups/{id}/members": { user_id: "user_x" },
  "POST /v1/licenses/{id}/users": { user_id: "user_x" },
  "POST /v1/licenses/{id}/groups": { group_id: "grp_x" },
};

/** Authenticated routes any live credential may call: a credential reading itself. */
const PERMISSION_FREE = new Set(["GET /v1/auth/whoami"]);

let owner: TestTenant;
let intruder: TestTenant;
let ids: Record<string, string>;
let operations: Operation[];

async function created(path: string, body: unknown): Promise<string> {
  const res = await call(path, { token: owner.apiKey, body });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
  return (await json(res)).id;
}

/** The owner's resource for each `{param}` of a path. */
function fill(path: string): string {
  const kind = path.split("/")[2]!;
  return path
    .replace("{activation_id}", ids.activation!)
    .replace("{lease_id}", "lse_0000000000000000000000")
    .replace("{delivery_id}", "dlv_00000000000000000000000000000000")
    .replace("{user_id}", ids.users!)
    .replace("{group_id}", ids.groups!)
    .replace("{id}", ids[kind]!)
    .replace("{kind}", "validation_failure_rate");
}

beforeAll(async () => {
  owner = await createTenant("matrix owner");
  intruder = await createTenant("matrix intruder");
  const license = await seedLicense(owner.tenantId);
  const userToken = await json(await call("/v1/user-tokens", { token: owner.apiKey, body: { name: "u", permissions: ["tenants:read"] } }));
  const hook = await created("/v1/webhooks", { url: "https://example.com/hook", event_types: ["license.revoked"] });
  ids = {
    applications: await created("/v1/applications", { name: "matrix app" }),
    policies: await created("/v1/policies", { name: "matrix policy" }),
    licenses: license.licenseId,
    activation: await seedActivation(owner.tenantId, license.licenseId, "matrix-device"),
    "api-keys": (await insertApiKey(owner.tenantId, { permissions: ["tenants:read"] })).id,
    "user-tokens": userToken.id,
    webhooks: hook,
    "webhook-deliveries": "dlv_00000000000000000000000000000000",
  };
  ids.customers = await created("/v1/customers", { name: "matrix customer", email: "owner@matrix.example" });
  ids.users = await created("/v1/users", { customer_id: ids.customers, email: "user@matrix.example" });
  ids.groups = await created("/v1/groups", { customer_id: ids.customers, name: "matrix group" });
  const doc = await json(await call("/openapi.json"));
  operations = Object.entries<Record<string, { security?: unknown[] }>>(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => op.security?.some((s) => Object.keys(s as object).includes("bearerAuth")))
      .map(([method]) => ({ method: method.toUpperCase(), path })),
  );
});

const send = (op: Operation, token: string, path = fill(op.path)) => call(path, { token, method: op.method, body: BODIES[`${op.method} ${op.path}`] });

describe("every authenticated route", () => {
  it("is covered: the document lists the server API", () => {
    expect(operations.length).toBeGreaterThan(35);
  });

  it("answers 404 for another tenant's ids, and never leaks or changes them", async () => {
    // An alert rule's {kind} names one of the caller's own rules, not another tenant's resource.
    const withIds = operations.filter((op) => op.path.includes("{") && !op.path.includes("{kind}"));
    expect(withIds.length).toBeGreaterThan(20);
    for (const op of withIds) {
      const res = await send(op, intruder.apiKey);
      const body = await res.text();
      expect(res.status, `${op.method} ${op.path}: ${body}`).toBe(404);
      expect(JSON.parse(body).error.code).toBe("NOT_FOUND");
      for (const id of Object.values(ids)) expect(body).not.toContain(id);
    }
    // The owner's resources are untouched.
    const license = await json(await call(`/v1/licenses/${ids.licenses}`, { token: owner.apiKey }));
    expect(license.status).toBe("active");
    expect((await json(await call(`/v1/webhooks/${ids.webhooks}`, { token: owner.apiKey }))).enabled).toBe(true);
  });

  it("answers 403 to a credential without the route's permission", async () => {
    const tenantReader = await insertApiKey(owner.tenantId, { permissions: ["tenants:read"] });
    const licenseReader = await insertApiKey(owner.tenantId, { permissions: ["licenses:read"] });
    for (const op of operations.filter((o) => !PERMISSION_FREE.has(`${o.method} ${o.path}`))) {
      const token = op.path === "/v1/tenant" ? licenseReader.secret : tenantReader.secret;
      const res = await send(op, token);
      expect(res.status, `${op.method} ${op.path}: ${await res.clone().text()}`).toBe(403);
      expect((await json(res)).error.code).toBe("FORBIDDEN");
    }
  });

  it("lets a credential with no permission at all call only the permission-free routes", async () => {
    const powerless = await insertApiKey(owner.tenantId, { permissions: [] });
    for (const op of operations) {
      const res = await send(op, powerless.secret);
      expect(res.status, `${op.method} ${op.path}`).toBe(PERMISSION_FREE.has(`${op.method} ${op.path}`) ? 200 : 403);
    }
  });

  it("answers a rotated-out, revoked or expired key with exactly the unknown-key 401", async () => {
    const rotated = await json(await call("/v1/api-keys", { token: owner.apiKey, body: { name: "to rotate", permissions: ["tenants:read"] } }));
    expect((await call(`/v1/api-keys/${rotated.id}/rotate`, { token: owner.apiKey, body: { grace_period_s: 0 } })).status).toBe(200);
    const revoked = await insertApiKey(owner.tenantId, { revokedAt: new Date(Date.now() - 1000) });
    const expired = await insertApiKey(owner.tenantId, { expiresAt: new Date(Date.now() - 1000) });
    for (const op of operations) {
      const bodies = new Set<string>();
      for (const token of [rotated.key, revoked.secret, expired.secret, `sk_${"z".repeat(40)}`]) {
        const res = await call(fill(op.path), { token, method: op.method, body: BODIES[`${op.method} ${op.path}`] });
        expect(res.status, `${op.method} ${op.path}`).toBe(401);
        bodies.add(withoutRequestId(await res.text()));
      }
      expect(bodies.size, `${op.method} ${op.path}`).toBe(1);
    }
  });

  it("authenticates before it validates: no credentials with an invalid body is the same 401 everywhere", async () => {
    const invalid = [
      { body: { __unknown_field__: 1, name: 12345, permissions: "all" } },
      { rawBody: "{not json", headers: { "Content-Type": "application/json" } },
      { rawBody: "a=b", headers: { "Content-Type": "text/plain" } },
      { rawBody: JSON.stringify({ padding: "x".repeat(20_000) }), headers: { "Content-Type": "application/json" } },
    ];
    const bodies = new Set<string>();
    for (const op of operations) {
      // GET requests cannot carry a body: their invalid part is the query string alone.
      for (const request of op.method === "GET" ? [{}] : invalid) {
        for (const token of [undefined, `sk_${"z".repeat(40)}`]) {
          const res = await call(`${fill(op.path)}?limit=notanumber&starting_after=${"x".repeat(300)}`, { method: op.method, token, ...request });
          const text = await res.text();
          expect(res.status, `${op.method} ${op.path} ${JSON.stringify(request).slice(0, 60)}: ${text}`).toBe(401);
          bodies.add(withoutRequestId(text));
        }
      }
    }
    expect(bodies.size).toBe(1);
  });

  it("checks the permission before the body: a credential without it gets 403 whatever it sent", async () => {
    const tenantReader = await insertApiKey(owner.tenantId, { permissions: ["tenants:read"] });
    const licenseReader = await insertApiKey(owner.tenantId, { permissions: ["licenses:read"] });
    for (const op of operations.filter((o) => !PERMISSION_FREE.has(`${o.method} ${o.path}`))) {
      const token = op.path === "/v1/tenant" ? licenseReader.secret : tenantReader.secret;
      const invalid = op.method === "GET" ? {} : { rawBody: "{not json", headers: { "Content-Type": "application/json" } };
      const res = await call(`${fill(op.path)}?limit=notanumber`, { method: op.method, token, ...invalid });
      expect(res.status, `${op.method} ${op.path}: ${await res.clone().text()}`).toBe(403);
    }
  });

  it("still works for the owner (the matrix is not just refusing everything)", async () => {
    const { token } = await issueToken((await seedLicense(owner.tenantId)).licenseKey);
    const res = await call("/v1/licenses/introspect", { token: owner.apiKey, body: { token } });
    expect((await json(res)).active).toBe(true);
  });
});
