// Through the running worker and Postgres (the pure fold has its own property test): a provider's
// story delivered in order to one connector, and shuffled, duplicated and partly concurrent to
// others, ends on the same license every time. Providers retry, duplicate and reorder; a seller's
// revenue must not depend on it.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { BILLING_PROVIDERS } from "../../src/contract/billing";
import { fakeClock } from "../activations/helpers";
import { send } from "../customers/helpers";
import { createTenant, type TestTenant } from "../harness";
import { connect, deliver, SCENARIOS } from "./helpers";
import { DAY_MS, type ProviderEvent, type SubscriptionPlan, timeline } from "./payloads/stripe";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("billing reordering");
});
const clock = fakeClock();

const PLANS: Record<string, SubscriptionPlan> = {
  "cancelled after an upgrade": { renewals: 1, failure: { recovered: true }, upgrade: true, cancel: true, end: null },
  "a failed payment never recovered": { renewals: 1, failure: { recovered: false }, upgrade: false, cancel: false, end: null },
};

async function finalLicense(connectorId: string) {
  const log = await send(tenant, "GET", `/v1/billing/events?connector_id=${connectorId}&limit=100`, undefined, 200);
  const ids = [...new Set(log.data.map((e: any) => e.license_id).filter(Boolean))];
  expect(ids).toHaveLength(1);
  const l = await send(tenant, "GET", `/v1/licenses/${ids[0]}`, undefined, 200);
  return { status: l.status, expires_at: l.expires_at, plan: l.plan, features: l.features, max_activations: l.max_activations, customer_id: l.customer_id };
}

/** Posts every delivery, two at a time (concurrent deliveries race for the connector's lock); every answer is a 200. */
async function post(connectorId: string, deliveries: ProviderEvent[]) {
  for (let i = 0; i < deliveries.length; i += 2) {
    const answers = await Promise.all(deliveries.slice(i, i + 2).map((e) => deliver(connectorId, e)));
    for (const res of answers) expect(res.status, await res.text()).toBe(200);
  }
}

describe("receiveBillingEvent: delivery order, duplicates and concurrency do not change the license", () => {
  for (const provider of BILLING_PROVIDERS) {
    for (const [label, plan] of Object.entries(PLANS)) {
      it(`${provider}: ${label}`, async () => {
        const start = clock.start();
        const story = SCENARIOS[provider].subscription({
          customer: { id: `cus_ro_${provider}`, email: `ro-${provider}@example.com`, name: "Reorder" },
          priceId: "price_basic",
          productId: "prod_studio",
          upgradePriceId: "price_team",
          quantity: 2,
          upgradeQuantity: 4,
          start,
          plan,
          seed: `ro${provider.slice(0, 3)}${plan.cancel ? "c" : "f"}`,
        });
        const last = timeline(start, plan, 30).at(-1)!;
        clock.at((last.at - start) / 1000 + (2 * DAY_MS) / 1000);
        const inOrder = await connect(tenant, provider);
        await post(inOrder.connector.id, story);
        const expected = await finalLicense(inOrder.connector.id);
        // Past the period end a cancelled subscription's license has expired; with no payment after the failure, it is suspended.
        expect(expected.status).toBe(plan.cancel ? "expired" : "suspended");
        // Three deliveries of the story: shuffled, with up to a third of it delivered twice.
        const orders = fc.sample(
          fc.tuple(
            fc.shuffledSubarray(story, { minLength: story.length, maxLength: story.length }),
            fc.subarray(story, { maxLength: Math.ceil(story.length / 3) }),
            fc.infiniteStream(fc.nat()),
          ),
          { numRuns: 3, seed: 7 },
        );
        for (const [shuffled, again] of orders) {
          const { connector } = await connect(tenant, provider);
          const deliveries = [...shuffled];
          for (const [i, e] of again.entries()) deliveries.splice((i * 7) % (deliveries.length + 1), 0, e);
          await post(connector.id, deliveries);
          expect(await finalLicense(connector.id)).toEqual(expected);
        }
      });
    }
  }
});
