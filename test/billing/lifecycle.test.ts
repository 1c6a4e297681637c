// Each provider's signed story, posted to the running worker step by step with the clock at the
// step's time: purchase, renewal, failed payment (suspended once the dunning grace ends, by the
// cron), recovery, upgrade, cancellation at period end, refund; and a one-time purchase and its
// refund. After every step the license, read through the admin API, is exactly what the README's
// table says. The audit log names the connector; `license.created` says `source: "billing"`.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { BILLING_PROVIDERS } from "../../src/contract/billing";
import { runScheduledJobs } from "../../src/scheduled";
import { normalizeFact } from "../../src/services/billing/providers";
import { fakeClock } from "../activations/helpers";
import { send } from "../customers/helpers";
import { createTenant, type TestTenant, withDb } from "../harness";
import { connect, deliver, SCENARIOS } from "./helpers";
import { DAY_MS, FULL_PLAN, type ProviderEvent, type Step, timeline } from "./payloads/stripe";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("billing lifecycle");
});
const clock = fakeClock();
const GRACE_MS = DAY_MS;

/** Each event of a story under the step it belongs to (the last step at or before its provider time). */
function byStep(events: ProviderEvent[], steps: Step[]): ProviderEvent[][] {
  const buckets = steps.map((): ProviderEvent[] => []);
  for (const event of events) {
    const at = normalizeFact(event.provider, JSON.parse(event.body), {
      eventId: event.eventId,
      eventName: event.headersMeta.eventName,
      receivedAt: 0,
    }).occurredAt;
    let index = 0;
    steps.forEach((s, i) => {
      if (s.at <= at) index = i;
    });
    buckets[index]!.push(event);
  }
  return buckets;
}

async function licenseOf(connectorId: string) {
  const log = await send(tenant, "GET", `/v1/billing/events?connector_id=${connectorId}&limit=100`, undefined, 200);
  const ids = [...new Set(log.data.map((e: any) => e.license_id).filter(Boolean))];
  expect(ids.length, JSON.stringify(log.data.map((e: any) => [e.event_type, e.outcome, e.reason]))).toBe(1);
  return send(tenant, "GET", `/v1/licenses/${ids[0]}`, undefined, 200);
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("POST /v1/billing/{connector_id}/events (receiveBillingEvent): each provider's subscription, step by step", () => {
  for (const provider of BILLING_PROVIDERS) {
    it(`${provider}: purchase, renewal, failed payment, recovery, upgrade, cancel, refund`, async () => {
      const { connector, policyId } = await connect(tenant, provider);
      const start = clock.start();
      const steps = timeline(start, FULL_PLAN, 30);
      const story = SCENARIOS[provider].subscription({
        customer: { id: `cus_${provider}_1`, email: `buyer-${provider}@example.com`, name: "Buyer One" },
        priceId: "price_basic",
        productId: "prod_studio",
        upgradePriceId: "price_team",
        quantity: 2,
        upgradeQuantity: 5,
        start,
        seed: `life${provider.slice(0, 3)}`,
      });
      const buckets = byStep(story, steps);
      const expectations: Record<string, (s: Step) => Record<string, unknown>> = {
        purchase: (s) => ({ status: "active", expires_at: iso(s.periodEnd + GRACE_MS), plan: "basic", features: ["export"], max_activations: 2 }),
        renewal: (s) => ({ status: "active", expires_at: iso(s.periodEnd + GRACE_MS), plan: "basic" }),
        failure: (s) => ({ status: "active", expires_at: iso(s.periodEnd + GRACE_MS) }),
        recovery: (s) => ({ status: "active", expires_at: iso(s.periodEnd + GRACE_MS) }),
        upgrade: () => ({ status: "active", plan: "team", features: ["export", "sso"], max_activations: 5 }),
        cancel: (s) => ({ status: "active", expires_at: iso(s.periodEnd), plan: "team" }),
        refund: () => ({ status: "revoked" }),
        ended: () => ({ status: "revoked" }),
      };
      for (const [i, step] of steps.entries()) {
        clock.at((step.at - start) / 1000 + 60);
        for (const event of buckets[i]!) {
          const res = await deliver(connector.id, event);
          expect(res.status, `${step.kind} ${event.name}: ${await res.clone().text()}`).toBe(200);
        }
        const license = await licenseOf(connector.id);
        expect(license, step.kind).toMatchObject(expectations[step.kind]!(step));
        expect(license.policy_id).toBe(policyId);
        if (step.kind === "failure") {
          // The dunning grace (1 day) ends with no payment: the cron suspends.
          clock.at((step.at - start) / 1000 + 86_400 + 120);
          await runScheduledJobs(env);
          expect(await licenseOf(connector.id), "after the dunning grace").toMatchObject({ status: "suspended" });
        }
      }
      const license = await licenseOf(connector.id);
      expect(license.billing).toEqual({ connector_id: connector.id, reference: expect.any(String) });
      const customer = await send(tenant, "GET", `/v1/customers/${license.customer_id}`, undefined, 200);
      // Paddle's events name the customer by id only (its email is a separate API read).
      const email = provider === "paddle" ? null : `buyer-${provider}@example.com`;
      expect(customer).toMatchObject({ email, external_ids: { [provider]: `cus_${provider}_1` } });

      const audit = await send(tenant, "GET", "/v1/audit-log?limit=100", undefined, 200);
      const mine = audit.data.filter((e: any) => e.target_id === license.id).map((e: any) => [e.action, e.actor]);
      expect(mine.every(([, actor]: string[]) => actor === connector.id)).toBe(true);
      expect(mine.map(([action]: string[]) => action)).toEqual(
        expect.arrayContaining(["license.create", "license.suspend", "license.reinstate", "license.revoke"]),
      );
      const created = await withDb(
        async (db) =>
          (
            await db.execute(
              sql`select payload from webhook_events where tenant_id = ${tenant.tenantId} and type = 'license.created' and payload like ${`%${license.id}%`}`,
            )
          ).rows as { payload: string }[],
      );
      expect(created.map((r) => JSON.parse(r.payload).data.source)).toEqual(["billing"]);
      // The buyer's one-time portal link, for the seller's mailer: it opens the portal on this license's customer.
      const portalUrl = JSON.parse(created[0]!.payload).data.portal_url as string;
      expect(portalUrl).toMatch(/^https:\/\/license\.test\/portal\/#code=pc_/);
    });

    it(`${provider}: a one-time purchase makes a perpetual license; its refund revokes it`, async () => {
      const { connector } = await connect(tenant, provider);
      const start = clock.start();
      const story = SCENARIOS[provider].oneTime({
        customer: { id: `cus_${provider}_2`, email: `once-${provider}@example.com`, name: "Buyer Two" },
        priceId: "price_lifetime",
        productId: "prod_lifetime",
        quantity: 1,
        start,
        refund: true,
        seed: `once${provider.slice(0, 3)}`,
      });
      const refundAt = start + 5 * DAY_MS;
      let checked = false;
      for (const event of story) {
        const at = normalizeFact(event.provider, JSON.parse(event.body), {
          eventId: event.eventId,
          eventName: event.headersMeta.eventName,
          receivedAt: 0,
        }).occurredAt;
        if (at >= refundAt && !checked) {
          checked = true;
          expect(await licenseOf(connector.id)).toMatchObject({ status: "active", expires_at: null, plan: "lifetime", max_activations: 2 });
        }
        clock.at((at - start) / 1000 + 60);
        const res = await deliver(connector.id, event);
        expect(res.status, `${event.name}: ${await res.clone().text()}`).toBe(200);
      }
      expect(checked).toBe(true);
      expect(await licenseOf(connector.id)).toMatchObject({ status: "revoked", plan: "lifetime" });
    });
  }
});

describe("receiveBillingEvent: Stripe one-time Checkout as its webhooks really are (no line items on the session)", () => {
  it("waits for the paid invoice that names the price (invoice creation on), in either order", async () => {
    for (const order of [
      ["session", "invoice"],
      ["invoice", "session"],
    ] as const) {
      const { connector } = await connect(tenant, "stripe");
      const seed = `inv${order[0]}`;
      const created = Math.floor(Date.now() / 1000);
      const session = {
        id: `evt_${seed}_s`,
        object: "event",
        type: "checkout.session.completed",
        created,
        data: {
          object: {
            id: `cs_${seed}`,
            object: "checkout.session",
            mode: "payment",
            payment_status: "paid",
            customer: `cus_${seed}`,
            customer_details: { email: `${seed}@example.com`, name: "Invoice Buyer" },
            payment_intent: `pi_${seed}`,
            invoice: `in_${seed}`,
            subscription: null,
          },
        },
      };
      const invoice = {
        id: `evt_${seed}_i`,
        object: "event",
        type: "invoice.paid",
        created: created + 1,
        data: {
          object: {
            id: `in_${seed}`,
            object: "invoice",
            customer: `cus_${seed}`,
            customer_email: `${seed}@example.com`,
            parent: null,
            lines: {
              object: "list",
              data: [{ id: `il_${seed}`, quantity: 1, pricing: { type: "price_details", price_details: { price: "price_lifetime", product: "prod_x" } } }],
            },
          },
        },
      };
      const events = { session, invoice };
      const outcomes: string[] = [];
      for (const name of order) {
        const body = JSON.stringify(events[name]);
        const res = await deliver(connector.id, { name, provider: "stripe", eventId: events[name].id, headersMeta: {}, body });
        expect(res.status, await res.clone().text()).toBe(200);
        outcomes.push((await res.json<any>()).event.outcome);
      }
      expect(outcomes).toEqual(["pending", "applied"]);
      expect(await licenseOf(connector.id)).toMatchObject({ status: "active", expires_at: null, plan: "lifetime", max_activations: 2 });
    }
  });
});
