// The customer portal's API: a seller's backend makes a session (portal:write) and gets a one-time
// link; the code works once; the credential sees exactly its customer's licenses, frees its devices
// within the churn budget (audited with the customer as actor, the same webhook event), frees seats
// and takes files; another customer's or tenant's license is 404; revoked, idle, expired and erased
// sessions are 401; return URLs only on the tenant's allowlist.
import { createActivationRequest } from "@edge-license/sdk";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCustomer, sellTo, send } from "../customers/helpers";
import { call, createTenant, expectError, insertApiKey, json, type TestTenant, withDb } from "../harness";

let tenant: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("portal");
  other = await createTenant("portal other");
});

const codeOf = (url: string) => new URL(url).hash.replace(/^#code=/, "");
async function open(t: TestTenant, customerId: string, extra: Record<string, unknown> = {}) {
  const session = await send(t, "POST", "/v1/portal/sessions", { customer_id: customerId, ...extra }, 201);
  const res = await call("/v1/portal/exchange", { body: { code: codeOf(session.url) } });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return { session, token: body.token as string, exchange: body };
}
const portal = (token: string, path: string, method = "GET", body?: unknown) => call(path, { token, method, body });

describe("POST /v1/portal/sessions (createPortalSession) and POST /v1/portal/exchange (exchangePortalCode)", () => {
  it("answers a one-time link on this origin; the code works once, and every failed exchange is the same 401", async () => {
    const customer = await createCustomer(tenant, { name: "Ada" });
    const session = await send(tenant, "POST", "/v1/portal/sessions", { customer_id: customer.id, locale: "de-CH" }, 201);
    expect(session.url).toMatch(/^https:\/\/license\.test\/portal\/#code=pc_[1-9A-HJ-NP-Za-km-z]{40}$/);
    expect(session).toMatchObject({ customer_id: customer.id, locale: "de-CH", exchanged_at: null, revoked_at: null });
    const code = codeOf(session.url);
    const first = await call("/v1/portal/exchange", { body: { code } });
    expect(first.status).toBe(200);
    const exchanged = await json(first);
    expect(exchanged).toMatchObject({ token_type: "Bearer", idle_timeout_s: 1800, locale: "de-CH", return_url: null });
    expect(exchanged.token).toMatch(/^pt_/);
    expect(first.headers.get("Cache-Control")).toBe("no-store");
    await expectError(await call("/v1/portal/exchange", { body: { code } }), 401, "UNAUTHORIZED");
    await expectError(await call("/v1/portal/exchange", { body: { code: `pc_${"1".repeat(40)}` } }), 401, "UNAUTHORIZED");
    await expectError(await call("/v1/portal/exchange", { body: { code: "nonsense" } }), 401, "UNAUTHORIZED");
    // Nothing stored holds the code or the credential, only their hashes.
    const stored = await withDb(async (db) => JSON.stringify((await db.execute(sql`select * from portal_sessions where id = ${session.id}`)).rows));
    expect(stored).not.toContain(code);
    expect(stored).not.toContain(exchanged.token);
  });

  it("races ten exchanges of one code: exactly one credential", async () => {
    const customer = await createCustomer(tenant, { name: "Race" });
    const session = await send(tenant, "POST", "/v1/portal/sessions", { customer_id: customer.id }, 201);
    const answers = await Promise.all(Array.from({ length: 10 }, () => call("/v1/portal/exchange", { body: { code: codeOf(session.url) } })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
  });

  it("needs portal:write, a customer of this tenant, and a return_url on the tenant's allowlist", async () => {
    const customer = await createCustomer(tenant, { name: "Grace" });
    const { secret: reader } = await insertApiKey(tenant.tenantId, { permissions: ["customers:read"] });
    await expectError(await call("/v1/portal/sessions", { token: reader, body: { customer_id: customer.id } }), 403, "FORBIDDEN");
    await expectError(await call("/v1/portal/sessions", { token: other.apiKey, body: { customer_id: customer.id } }), 404, "NOT_FOUND");
    await expectError(
      await call("/v1/portal/sessions", { token: tenant.apiKey, body: { customer_id: customer.id, return_url: "https://app.example.com/account" } }),
      422,
      "VALIDATION_FAILED",
    );
    await send(tenant, "PATCH", "/v1/tenant", { portal: { return_origins: ["https://app.example.com"], display_name: "Studio Ltd" } }, 200);
    for (const bad of ["http://app.example.com/x", "https://evil.example.com/x", "javascript:alert(1)"]) {
      await expectError(
        await call("/v1/portal/sessions", { token: tenant.apiKey, body: { customer_id: customer.id, return_url: bad } }),
        422,
        "VALIDATION_FAILED",
      );
    }
    const { exchange } = await open(tenant, customer.id, { return_url: "https://app.example.com/account" });
    expect(exchange.return_url).toBe("https://app.example.com/account");
    expect(exchange.branding.display_name).toBe("Studio Ltd");
  });
});

describe("the portal's routes (getPortalOverview, getPortalLicense, deactivatePortalDevice, releasePortalSeat, checkoutPortalLicense, activatePortalOffline, signOutPortal, revokePortalSession)", () => {
  it("shows exactly the customer's licenses; another customer's and another tenant's are 404", async () => {
    const mine = await createCustomer(tenant, { name: "Mine Co" });
    const theirs = await createCustomer(tenant, { name: "Theirs Co" });
    const a = await sellTo(tenant, mine.id, { max_activations: 3 }, { plan: "pro", features: ["export"] });
    const b = await sellTo(tenant, theirs.id);
    const foreign = await sellTo(other, null);
    const { token } = await open(tenant, mine.id);
    const me = await json(await portal(token, "/v1/portal/me"));
    expect(me.customer).toEqual({ id: mine.id, name: "Mine Co", email: "billing@acme.example", company: null });
    expect(me.licenses.map((l: any) => [l.id, l.plan, l.features, l.devices])).toEqual([[a.licenseId, "pro", ["export"], { used: 0, max: 3 }]]);
    expect(JSON.stringify(me)).not.toContain("metadata");
    await expectError(await portal(token, `/v1/portal/licenses/${b.licenseId}`), 404, "NOT_FOUND");
    await expectError(await portal(token, `/v1/portal/licenses/${foreign.licenseId}`), 404, "NOT_FOUND");
    await expectError(await portal(token, `/v1/portal/licenses/${b.licenseId}/checkout`, "POST", {}), 404, "NOT_FOUND");
    // A portal credential is no admin credential.
    await expectError(await portal(token, "/v1/licenses"), 401, "UNAUTHORIZED");
    await expectError(await call("/v1/portal/me", { token: tenant.apiKey }), 401, "UNAUTHORIZED");
  });

  it("frees a device within the churn budget, audited with the customer as actor and announced as activation.deleted", async () => {
    const customer = await createCustomer(tenant, { name: "Laptop Owner" });
    const sold = await sellTo(tenant, customer.id, { max_activations: 1, max_deactivations: 1, deactivation_window_s: 3600 });
    const activate = (fp: string, name: string) => call("/v1/licenses/activate", { body: { license_key: sold.licenseKey, fingerprint: fp, name } });
    const old = await json(await activate("fp-7781-aa", "Old laptop"));
    const { token } = await open(tenant, customer.id);
    const detail = await json(await portal(token, `/v1/portal/licenses/${sold.licenseId}`));
    expect(detail.devices_list.map((d: any) => [d.id, d.name])).toEqual([[old.activation.id, "Old laptop"]]);
    // The customer sees its devices by name, never their raw fingerprints.
    expect(JSON.stringify(detail)).not.toContain("fp-7781-aa");
    expect(detail.churn).toEqual({ max_deactivations: 1, window_s: 3600 });

    const freed = await portal(token, `/v1/portal/licenses/${sold.licenseId}/activations/${old.activation.id}`, "DELETE");
    expect(freed.status).toBe(200);
    expect((await activate("fp-9902-bb", "New laptop")).status).toBe(201);
    const activations = await json(await call(`/v1/licenses/${sold.licenseId}/activations?include_released=true`, { token: tenant.apiKey }));
    expect(activations.data.find((a: any) => a.id === old.activation.id).deactivated_at).not.toBeNull();
    const audit = await json(await call(`/v1/audit-log?action=activation.delete`, { token: tenant.apiKey }));
    expect(audit.data.find((e: any) => e.target_id === old.activation.id)).toMatchObject({
      actor: customer.id,
      details: { license_id: sold.licenseId, by: "customer" },
    });
    const events = await withDb(
      async (db) =>
        (
          await db.execute(
            sql`select payload from webhook_events where tenant_id = ${tenant.tenantId} and type = 'activation.deleted' and payload like ${`%${old.activation.id}%`}`,
          )
        ).rows as { payload: string }[],
    );
    expect(events.map((e) => JSON.parse(e.payload).data.reason)).toEqual(["client"]);

    // The budget is spent: the next device waits, and the answer says how long.
    const newer = (await json(await call(`/v1/licenses/${sold.licenseId}/activations`, { token: tenant.apiKey }))).data[0];
    const refused = await portal(token, `/v1/portal/licenses/${sold.licenseId}/activations/${newer.id}`, "DELETE");
    const error = await expectError(refused, 429, "DEACTIVATION_LIMIT_REACHED");
    expect(refused.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(error.details).toMatchObject({ max_deactivations: 1, window_s: 3600 });
    await expectError(await portal(token, `/v1/portal/licenses/${sold.licenseId}/activations/act_${"1".repeat(22)}`, "DELETE"), 404, "NOT_FOUND");
  });

  it("frees a stuck floating seat and hands out a license file", async () => {
    const customer = await createCustomer(tenant, { name: "Floating Co" });
    const sold = await sellTo(tenant, customer.id, { lease_mode: "per_license", max_leases: 1, lease_ttl_s: 600 });
    const lease = await json(await call("/v1/licenses/leases", { body: { license_key: sold.licenseKey, instance_id: "stuck" } }));
    const { token } = await open(tenant, customer.id);
    const detail = await json(await portal(token, `/v1/portal/licenses/${sold.licenseId}`));
    expect(detail.seats.map((s: any) => [s.id, s.instance_id])).toEqual([[lease.lease.id, "stuck"]]);
    expect((await portal(token, `/v1/portal/licenses/${sold.licenseId}/leases/${lease.lease.id}`, "DELETE")).status).toBe(200);
    expect((await call("/v1/licenses/leases", { body: { license_key: sold.licenseKey, instance_id: "next" } })).status).toBe(201);

    const plain = await sellTo(tenant, customer.id);
    const file = await portal(token, `/v1/portal/licenses/${plain.licenseId}/checkout`, "POST", {});
    expect(file.status).toBe(201);
    expect((await json(file)).license_file).toMatch(/^-----BEGIN LICENSE FILE-----/);
  });

  it("runs the air-gapped exchange for its own license only: a request file in, a seat and a machine file out", async () => {
    const customer = await createCustomer(tenant, { name: "Vault Co" });
    const sold = await sellTo(tenant, customer.id, { binding_mode: "hardware", max_activations: 2 });
    const someoneElse = await sellTo(tenant, null, { binding_mode: "hardware" });
    const { token } = await open(tenant, customer.id);
    const request = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "vault-pc", name: "Vault PC" });
    const res = await portal(token, `/v1/portal/licenses/${sold.licenseId}/offline-activations`, "POST", { request });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect([body.created, body.activation.name]).toEqual([true, "Vault PC"]);
    expect(body.license_file.license_file).toMatch(/^-----BEGIN LICENSE FILE-----/);
    // A machine file: bound to the new device.
    expect(body.license_file.activation_id).toBe(body.activation.id);
    const audit = await json(await call("/v1/audit-log?action=activation.create", { token: tenant.apiKey }));
    expect(audit.data.find((e: any) => e.target_id === body.activation.id)?.actor).toBe(customer.id);
    // A request made with another license's key is no request for this one.
    const foreign = await createActivationRequest({ licenseKey: someoneElse.licenseKey, fingerprint: "vault-pc" });
    await expectError(await portal(token, `/v1/portal/licenses/${sold.licenseId}/offline-activations`, "POST", { request: foreign }), 422, "VALIDATION_FAILED");
    await expectError(await portal(token, `/v1/portal/licenses/${someoneElse.licenseId}/offline-activations`, "POST", { request: foreign }), 404, "NOT_FOUND");
  });

  it("is 401 once revoked by the seller, signed out, idle for 30 minutes, past 12 hours, or its customer erased", async () => {
    const customer = await createCustomer(tenant, { name: "Ends Co" });
    const revoked = await open(tenant, customer.id);
    expect((await portal(revoked.token, "/v1/portal/me")).status).toBe(200);
    expect((await send(tenant, "DELETE", `/v1/portal/sessions/${revoked.session.id}`, undefined, 200)).revoked_at).not.toBeNull();
    await expectError(await portal(revoked.token, "/v1/portal/me"), 401, "UNAUTHORIZED");
    await expectError(await call(`/v1/portal/sessions/${revoked.session.id}`, { token: other.apiKey, method: "DELETE" }), 404, "NOT_FOUND");

    const signedOut = await open(tenant, customer.id);
    expect((await portal(signedOut.token, "/v1/portal/session", "DELETE")).status).toBe(204);
    await expectError(await portal(signedOut.token, "/v1/portal/me"), 401, "UNAUTHORIZED");

    const idle = await open(tenant, customer.id);
    await withDb((db) => db.execute(sql`update portal_sessions set last_used_at = now() - interval '31 minutes' where id = ${idle.session.id}`));
    await expectError(await portal(idle.token, "/v1/portal/me"), 401, "UNAUTHORIZED");

    const old = await open(tenant, customer.id);
    await withDb((db) => db.execute(sql`update portal_sessions set expires_at = now() - interval '1 second' where id = ${old.session.id}`));
    await expectError(await portal(old.token, "/v1/portal/me"), 401, "UNAUTHORIZED");

    const erased = await open(tenant, customer.id);
    await send(tenant, "POST", `/v1/customers/${customer.id}/erase`, { licenses: "keep" }, 200);
    await expectError(await portal(erased.token, "/v1/portal/me"), 401, "UNAUTHORIZED");
    await expectError(await call("/v1/portal/sessions", { token: tenant.apiKey, body: { customer_id: customer.id } }), 409, "CONFLICT");
  });
});
