// Billing connectors through the admin API (the secret is stored sealed and never returned;
// mappings name only this tenant's policies; billing:read/write), the test-event button, and every
// way a delivery is refused: a bad or stale signature, an unknown or disabled connector, an unmapped
// price, a malformed body. Each refusal is a clear 4xx and stores nothing but one line of the log.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduledJobs } from "../../src/scheduled";
import { send } from "../customers/helpers";
import { call, createTenant, expectError, insertApiKey, json, type TestTenant, withDb } from "../harness";
import { connect, deliver, SECRETS, signed } from "./helpers";
import { stripeOneTimeScenario } from "./payloads/stripe";

let tenant: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("billing connectors");
  other = await createTenant("billing other");
});

const purchase = (priceId = "price_lifetime", seed = `c${Math.random().toString(36).slice(2, 10)}`) =>
  stripeOneTimeScenario({
    customer: { id: `cus_${seed}`, email: `${seed}@example.com`, name: "Buyer" },
    priceId,
    productId: "prod_x",
    quantity: 1,
    start: Date.now(),
    seed,
  })[0]!;

async function eventLog(connectorId: string) {
  return (await send(tenant, "GET", `/v1/billing/events?connector_id=${connectorId}`, undefined, 200)).data;
}

describe("POST/GET/PATCH/DELETE /v1/billing/connectors (createBillingConnector, listBillingConnectors, getBillingConnector, updateBillingConnector, deleteBillingConnector)", () => {
  it("creates a connector with its endpoint URL, never returns or stores the secret in clear, and checks every mapping's policy", async () => {
    const { connector, policyId } = await connect(tenant, "stripe");
    expect(connector).toMatchObject({ provider: "stripe", enabled: true, renewal_grace_s: 86_400, dunning_grace_s: 86_400 });
    expect(connector.endpoint_url).toBe(`https://license.test/v1/billing/${connector.id}/events`);
    expect(connector.mappings[0]).toEqual({
      match: "price_basic",
      policy_id: policyId,
      plan: "basic",
      features: ["export"],
      seats: null,
      seats_from_quantity: true,
      term_days: null,
    });
    expect(JSON.stringify(connector)).not.toContain(SECRETS.stripe);
    const stored = await withDb(async (db) => JSON.stringify((await db.execute(sql`select * from billing_connectors where id = ${connector.id}`)).rows));
    expect(stored).not.toContain(SECRETS.stripe);
    expect((await send(tenant, "GET", `/v1/billing/connectors/${connector.id}`, undefined, 200)).id).toBe(connector.id);
    expect((await send(tenant, "GET", "/v1/billing/connectors", undefined, 200)).data.map((c: any) => c.id)).toContain(connector.id);

    const foreign = await connect(other, "paddle");
    const body = { provider: "stripe", name: "x", signing_secret: "whsec_abcdefgh", mappings: [{ match: "price_1", policy_id: foreign.policyId }] };
    const refused = await expectError(await call("/v1/billing/connectors", { token: tenant.apiKey, body }), 422, "VALIDATION_FAILED");
    expect(refused.details).toEqual([{ path: "mappings.0.policy_id", message: "No such policy" }]);
    await expectError(await call(`/v1/billing/connectors/${foreign.connector.id}`, { token: tenant.apiKey }), 404, "NOT_FOUND");
    await expectError(await call("/v1/billing/connectors", { token: tenant.apiKey, body: { ...body, provider: "paypal" } }), 422, "VALIDATION_FAILED");
  });

  it("takes the signing secret later (providers show it once the URL is registered): until then every delivery is refused and logged", async () => {
    const { policyId } = await connect(tenant, "stripe");
    const connector = await send(
      tenant,
      "POST",
      "/v1/billing/connectors",
      { provider: "stripe", name: "no secret yet", mappings: [{ match: "price_lifetime", policy_id: policyId }] },
      201,
    );
    const event = purchase();
    const refused = await expectError(await deliver(connector.id, event, await signed(event, "whsec_guessed_secret")), 400, "BILLING_SIGNATURE_INVALID");
    expect(refused.message).toContain("no signing secret yet");
    await expectError(await deliver(connector.id, event), 400, "BILLING_SIGNATURE_INVALID");
    await send(tenant, "PATCH", `/v1/billing/connectors/${connector.id}`, { signing_secret: SECRETS.stripe }, 200);
    expect((await deliver(connector.id, event)).status).toBe(200);
    expect((await eventLog(connector.id)).map((e: any) => e.outcome)).toEqual(["applied", "rejected", "rejected"]);
  });

  it("needs billing:read to read and billing:write to change", async () => {
    const { connector } = await connect(tenant, "polar");
    const { secret: reader } = await insertApiKey(tenant.tenantId, { permissions: ["billing:read"] });
    const { secret: none } = await insertApiKey(tenant.tenantId, { permissions: ["licenses:read"] });
    expect((await call(`/v1/billing/connectors/${connector.id}`, { token: reader })).status).toBe(200);
    await expectError(await call(`/v1/billing/connectors/${connector.id}`, { token: none }), 403, "FORBIDDEN");
    await expectError(await call("/v1/billing/events", { token: none }), 403, "FORBIDDEN");
    await expectError(await call(`/v1/billing/connectors/${connector.id}`, { token: reader, method: "PATCH", body: { name: "y" } }), 403, "FORBIDDEN");
    await expectError(await call(`/v1/billing/connectors/${connector.id}`, { token: reader, method: "DELETE" }), 403, "FORBIDDEN");
  });

  it("rotates the secret and disables: the old secret and a disabled connector are refused; delete keeps the licenses it made", async () => {
    const { connector } = await connect(tenant, "stripe");
    const event = purchase();
    expect((await deliver(connector.id, event)).status).toBe(200);
    const licenseId = (await eventLog(connector.id))[0].license_id;
    await send(tenant, "PATCH", `/v1/billing/connectors/${connector.id}`, { signing_secret: "whsec_rotated_secret_1234" }, 200);
    await expectError(await deliver(connector.id, purchase()), 400, "BILLING_SIGNATURE_INVALID");
    const next = purchase();
    expect((await deliver(connector.id, next, await signed(next, "whsec_rotated_secret_1234"))).status).toBe(200);
    await send(tenant, "PATCH", `/v1/billing/connectors/${connector.id}`, { enabled: false }, 200);
    const late = purchase();
    await expectError(await deliver(connector.id, late, await signed(late, "whsec_rotated_secret_1234")), 404, "NOT_FOUND");
    const audit = await send(tenant, "GET", "/v1/audit-log?limit=100", undefined, 200);
    const updates = audit.data.filter((e: any) => e.target_id === connector.id && e.action === "billing_connector.update");
    expect(updates.map((e: any) => e.details.fields)).toEqual([["enabled"], ["signingSecret"]]);
    expect(JSON.stringify(audit.data)).not.toContain("whsec_rotated_secret_1234");
    await send(tenant, "DELETE", `/v1/billing/connectors/${connector.id}`, undefined, 204);
    await expectError(await call(`/v1/billing/connectors/${connector.id}`, { token: tenant.apiKey }), 404, "NOT_FOUND");
    expect((await send(tenant, "GET", `/v1/licenses/${licenseId}`, undefined, 200)).billing).toEqual({
      connector_id: connector.id,
      reference: expect.any(String),
    });
  });
});

describe("POST /v1/billing/connectors/{id}/test (testBillingConnector) and GET /v1/billing/events (listBillingEvents)", () => {
  for (const provider of ["stripe", "paddle", "lemonsqueezy", "polar"] as const) {
    it(`${provider}: a test event signed with the stored secret goes through the intake and is logged as ignored`, async () => {
      const { connector } = await connect(tenant, provider);
      const logged = await send(tenant, "POST", `/v1/billing/connectors/${connector.id}/test`, undefined, 200);
      expect(logged).toMatchObject({ connector_id: connector.id, outcome: "ignored", license_id: null });
      expect(await eventLog(connector.id)).toEqual([logged]);
    });
  }
});

describe("POST /v1/billing/{connector_id}/events (receiveBillingEvent) refusals", () => {
  it("refuses a wrong secret, a stale timestamp, a missing signature, a malformed body and an unmapped price, each with one log line and nothing else stored", async () => {
    const { connector } = await connect(tenant, "stripe");
    const event = purchase();
    const now = Math.floor(Date.now() / 1000);
    const cases: [Record<string, string>, string, number, string][] = [
      [await signed(event, "whsec_not_the_secret_000"), event.body, 400, "BILLING_SIGNATURE_INVALID"],
      [await signed(event, SECRETS.stripe, now - 301), event.body, 400, "BILLING_SIGNATURE_INVALID"],
      [{ "content-type": "application/json" }, event.body, 400, "BILLING_SIGNATURE_INVALID"],
      [await signed({ ...event, body: "{not json" }), "{not json", 400, "BILLING_EVENT_MALFORMED"],
      [
        await signed({ ...event, body: '{"id":"evt_1","type":"invoice.paid","created":"soon","data":{}}' }),
        '{"id":"evt_1","type":"invoice.paid","created":"soon","data":{}}',
        400,
        "BILLING_EVENT_MALFORMED",
      ],
    ];
    for (const [headers, body, status, code] of cases) {
      const res = await call(`/v1/billing/${connector.id}/events`, { method: "POST", rawBody: body, headers });
      await expectError(res, status, code as any);
    }
    const stale = await eventLog(connector.id);
    expect(stale.find((e: any) => e.reason?.includes("SIGNATURE_STALE"))).toBeTruthy();
    const unmapped = purchase("price_nobody_mapped");
    const refused = await expectError(await deliver(connector.id, unmapped), 422, "BILLING_UNMAPPED");
    expect(refused.message).toContain("price_nobody_mapped");

    const log = await eventLog(connector.id);
    expect(log.map((e: any) => [e.outcome, e.provider_event_id, e.license_id])).toEqual(Array(6).fill(["rejected", null, null]));
    const kept = await withDb(async (db) => {
      const rows = (await db.execute(sql`select fact, key, refs from billing_events where connector_id = ${connector.id}`)).rows;
      const customers = (
        await db.execute(
          sql`select count(*)::int as n from customers where tenant_id = ${tenant.tenantId} and email = ${JSON.parse(unmapped.body).data.object.customer_details.email}`,
        )
      ).rows;
      return { rows, customers };
    });
    expect(kept.rows.every((r: any) => r.fact === null && r.key === null && r.refs.length === 0)).toBe(true);
    expect(kept.customers).toEqual([{ n: 0 }]);
  });

  it("keeps a refused delivery's log line 30 days (the cron drops it then); applied events stay", async () => {
    const { connector } = await connect(tenant, "stripe");
    const bad = purchase();
    await expectError(await deliver(connector.id, bad, await signed(bad, "whsec_wrong_secret_000")), 400, "BILLING_SIGNATURE_INVALID");
    expect((await deliver(connector.id, purchase())).status).toBe(200);
    const age = (days: number) =>
      withDb((db) => db.execute(sql`update billing_events set created_at = now() - make_interval(days => ${days}) where connector_id = ${connector.id}`));
    await age(29);
    await runScheduledJobs(env);
    expect((await eventLog(connector.id)).map((e: any) => e.outcome).sort()).toEqual(["applied", "rejected"]);
    await age(31);
    await runScheduledJobs(env);
    expect((await eventLog(connector.id)).map((e: any) => e.outcome)).toEqual(["applied"]);
  });

  it("answers 404 for an unknown connector (stored nowhere) and applies a provider event id once", async () => {
    const event = purchase();
    await expectError(await deliver("bc_doesnotexist000000000", event), 404, "NOT_FOUND");
    await expectError(await deliver("../../etc", event), 404, "NOT_FOUND");
    const { connector } = await connect(tenant, "stripe");
    const first = await json(await deliver(connector.id, event));
    const again = await json(await deliver(connector.id, event));
    expect(first).toMatchObject({ duplicate: false, event: { outcome: "applied" } });
    expect(again).toMatchObject({ duplicate: true, event: { id: first.event.id, outcome: "applied" } });
    const licenses = await send(
      tenant,
      "GET",
      `/v1/licenses?customer_id=${(await send(tenant, "GET", `/v1/licenses/${first.event.license_id}`, undefined, 200)).customer_id}`,
      undefined,
      200,
    );
    expect(licenses.data).toHaveLength(1);
  });
});
