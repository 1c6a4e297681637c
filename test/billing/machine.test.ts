// The billing machine's rules, one at a time, with exact expectations (services/billing/machine.ts).
import { describe, expect, it } from "vitest";
import type { BillingFact, BillingMapping, BillingSubscriptionSnapshot } from "../../src/contract/billing";
import { type BillingState, desiredLicense, foldFacts, groupFacts } from "../../src/services/billing/machine";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const terms = { graceS: 86_400, dunningGraceS: 3 * 86_400 };

function fact(partial: Partial<BillingFact> & Pick<BillingFact, "eventId" | "kind">): BillingFact {
  return {
    provider: "stripe",
    eventType: "test",
    occurredAt: T0,
    key: "sub_1",
    refs: [],
    customer: null,
    items: null,
    subscription: null,
    paidThrough: null,
    oneTime: false,
    ...partial,
  };
}

const snapshot = (s: Partial<BillingSubscriptionSnapshot> = {}): BillingSubscriptionSnapshot => ({
  status: "active",
  periodEnd: T0 + 30 * DAY,
  cancelAtPeriodEnd: false,
  endedAt: null,
  ...s,
});
const items = (priceId = "price_basic", quantity = 1) => [{ priceId, productId: "prod_app", variantId: null, quantity }];
const mapping = (m: Partial<BillingMapping> = {}): BillingMapping => ({
  match: "price_basic",
  policyId: "pol_basic",
  plan: "basic",
  features: ["export"],
  seats: null,
  seatsFromQuantity: false,
  termDays: null,
  ...m,
});
const subscribed = (extra: BillingFact[] = []) =>
  foldFacts([fact({ eventId: "evt_sub", kind: "subscription", items: items(), subscription: snapshot() }), ...extra]);
const desired = (state: BillingState, now = T0, mappings = [mapping()]) => {
  const outcome = desiredLicense(state, mappings, terms, now);
  if (!outcome.ok) throw new Error(`expected a license, got ${outcome.reason}`);
  return outcome.desired;
};

describe("groupFacts", () => {
  it("joins facts that share a key or a ref, transitively", () => {
    const groups = groupFacts([
      fact({ eventId: "a", kind: "purchase", key: "order:pi_1", refs: ["cs_1", "pi_1"] }),
      fact({ eventId: "b", kind: "refund", key: null, refs: ["ch_1", "pi_1"] }),
      fact({ eventId: "c", kind: "dispute", key: null, refs: ["ch_1"] }),
      fact({ eventId: "d", kind: "subscription", key: "sub_2" }),
    ]);
    expect(groups.map((g) => g.map((f) => f.eventId))).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("counts an event id once, and gives the same groups whatever the input order", () => {
    const facts = [
      fact({ eventId: "x", kind: "subscription", occurredAt: T0 + 2 }),
      fact({ eventId: "y", kind: "payment_succeeded", occurredAt: T0 + 1, refs: ["in_1"] }),
      fact({ eventId: "z", kind: "ignored", key: null, refs: ["in_1", "pi_1"] }),
    ];
    const once = groupFacts(facts);
    expect(groupFacts([...facts, facts[0]!, facts[1]!].reverse())).toEqual(once);
    expect(once).toHaveLength(1);
    expect(once[0]!.map((f) => f.eventId)).toEqual(["z", "y", "x"]);
  });

  it("never links two providers' ids, and keeps a fact naming no id alone", () => {
    const groups = groupFacts([
      fact({ eventId: "s", kind: "purchase", key: "order:1" }),
      fact({ eventId: "l", kind: "purchase", key: "order:1", provider: "lemonsqueezy" }),
      fact({ eventId: "n1", kind: "ignored", key: null }),
      fact({ eventId: "n2", kind: "ignored", key: null }),
    ]);
    expect(groups).toHaveLength(4);
  });
});

describe("foldFacts", () => {
  it("takes items and the snapshot from the latest fact, however late it arrives", () => {
    const newer = fact({
      eventId: "evt_b",
      kind: "subscription",
      occurredAt: T0 + 2000,
      items: items("price_pro", 5),
      subscription: snapshot({ status: "past_due" }),
    });
    const older = fact({ eventId: "evt_a", kind: "subscription", occurredAt: T0 + 1000, items: items(), subscription: snapshot() });
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const state = foldFacts(order);
      expect(state.items).toEqual(items("price_pro", 5));
      expect(state.subscription?.status).toBe("past_due");
      expect(state.subscriptionAt).toBe(T0 + 2000);
    }
  });

  it("breaks a tie in time by event id", () => {
    const a = fact({ eventId: "evt_a", kind: "subscription", items: items("price_a"), subscription: snapshot({ status: "unpaid" }) });
    const b = fact({ eventId: "evt_b", kind: "subscription", items: items("price_b"), subscription: snapshot() });
    expect(foldFacts([b, a])).toEqual(foldFacts([a, b]));
    expect(foldFacts([b, a]).items).toEqual(items("price_b"));
  });

  it("keeps each customer field's latest known value", () => {
    const state = foldFacts([
      fact({ eventId: "1", kind: "purchase", occurredAt: T0, customer: { externalId: "cus_1", email: "old@x.test", name: "Ada" } }),
      fact({ eventId: "2", kind: "payment_succeeded", occurredAt: T0 + 5, customer: { externalId: "cus_1", email: "new@x.test", name: null } }),
    ]);
    expect(state.customer).toEqual({ externalId: "cus_1", email: "new@x.test", name: "Ada" });
  });

  it("takes maxima of payments and failures, minima of refunds and disputes", () => {
    const state = foldFacts([
      fact({ eventId: "p1", kind: "payment_succeeded", occurredAt: T0 + 10, paidThrough: T0 + 60 * DAY }),
      fact({ eventId: "p2", kind: "payment_succeeded", occurredAt: T0 + 20, paidThrough: T0 + 30 * DAY }),
      fact({ eventId: "f1", kind: "payment_failed", occurredAt: T0 + 15 }),
      fact({ eventId: "r2", kind: "refund", occurredAt: T0 + 40 }),
      fact({ eventId: "r1", kind: "refund", occurredAt: T0 + 30 }),
      fact({ eventId: "d1", kind: "dispute", occurredAt: T0 + 35 }),
      fact({ eventId: "i1", kind: "ignored", occurredAt: T0 + 99, paidThrough: T0 + 99 * DAY }),
    ]);
    expect(state).toMatchObject({ paidThrough: T0 + 60 * DAY, lastPaidAt: T0 + 20, lastFailedAt: T0 + 15, refundedAt: T0 + 30, disputedAt: T0 + 35 });
  });

  it("is one-time only while no fact speaks of a subscription, and prefers the subscription's key", () => {
    const order = fact({ eventId: "o", kind: "purchase", key: "order:5", oneTime: true, items: items() });
    expect(foldFacts([order])).toMatchObject({ oneTime: true, key: "order:5", purchaseAt: T0 });
    const sub = fact({ eventId: "s", kind: "subscription", key: "sub:9", refs: ["order:5"], subscription: snapshot() });
    expect(foldFacts([order, sub])).toMatchObject({ oneTime: false, key: "sub:9" });
  });
});

describe("desiredLicense", () => {
  it("waits for items, and refuses what no mapping matches", () => {
    expect(desiredLicense(foldFacts([fact({ eventId: "p", kind: "purchase" })]), [mapping()], terms, T0)).toMatchObject({ ok: false, reason: "incomplete" });
    expect(desiredLicense(subscribed(), [mapping({ match: "price_other" })], terms, T0)).toMatchObject({ ok: false, reason: "unmapped" });
  });

  it("uses the first mapping in the array's order that matches any item's price, variant or product", () => {
    const state = foldFacts([
      fact({
        eventId: "s",
        kind: "subscription",
        subscription: snapshot(),
        items: [
          { priceId: "price_a", productId: null, variantId: null, quantity: 2 },
          { priceId: null, productId: null, variantId: "var_b", quantity: 7 },
        ],
      }),
    ]);
    const mappings = [mapping({ match: "var_b", plan: "b", seatsFromQuantity: true }), mapping({ match: "price_a", plan: "a" })];
    expect(desired(state, T0, mappings)).toMatchObject({ plan: "b", seats: 7 });
  });

  it("derives seats from the quantity only when asked", () => {
    const state = foldFacts([fact({ eventId: "s", kind: "subscription", items: items("price_basic", 4), subscription: snapshot() })]);
    expect(desired(state, T0, [mapping({ seatsFromQuantity: true })]).seats).toBe(4);
    expect(desired(state, T0, [mapping({ seatsFromQuantity: true, seats: 3 })]).seats).toBe(12);
    expect(desired(state, T0, [mapping({ seats: 3 })]).seats).toBe(3);
  });

  it("runs a subscription to its period end plus grace, or the later end a payment covered", () => {
    expect(desired(subscribed())).toMatchObject({ status: "active", reason: null, expiresAt: T0 + 31 * DAY });
    const paid = fact({ eventId: "p", kind: "payment_succeeded", occurredAt: T0 + 1, paidThrough: T0 + 60 * DAY });
    expect(desired(subscribed([paid])).expiresAt).toBe(T0 + 61 * DAY);
  });

  it("gives no grace to a subscription cancelled at period end or ended", () => {
    const cancel = fact({ eventId: "c", kind: "subscription", occurredAt: T0 + 1, items: items(), subscription: snapshot({ cancelAtPeriodEnd: true }) });
    expect(desired(subscribed([cancel])).expiresAt).toBe(T0 + 30 * DAY);
    const ended = fact({ eventId: "e", kind: "subscription", occurredAt: T0 + 2, subscription: snapshot({ status: "canceled", endedAt: T0 + 10 * DAY }) });
    expect(desired(subscribed([ended]))).toMatchObject({ status: "active", expiresAt: T0 + 10 * DAY });
    const endedNoTime = fact({ eventId: "e", kind: "subscription", occurredAt: T0 + 2, subscription: snapshot({ status: "canceled", endedAt: null }) });
    expect(desired(subscribed([endedNoTime])).expiresAt).toBe(T0 + 30 * DAY);
  });

  it("waits for a period end rather than licensing a subscription forever", () => {
    const checkout = fact({ eventId: "c", kind: "purchase", key: null, refs: ["txn_1"], items: items() });
    expect(desiredLicense(foldFacts([checkout]), [mapping()], terms, T0)).toMatchObject({ ok: false, reason: "incomplete" });
  });

  it("suspends after the dunning grace of a failure, and a later payment reinstates", () => {
    const failed = fact({ eventId: "f", kind: "payment_failed", occurredAt: T0 + DAY });
    const state = subscribed([failed]);
    expect(desired(state, T0 + DAY + 3 * DAY - 1).status).toBe("active");
    expect(desired(state, T0 + DAY + 3 * DAY)).toMatchObject({ status: "suspended", reason: "payment_failed" });
    const recovered = fact({ eventId: "r", kind: "payment_succeeded", occurredAt: T0 + 2 * DAY, paidThrough: T0 + 30 * DAY });
    expect(desired(subscribed([failed, recovered]), T0 + 10 * DAY).status).toBe("active");
    const tied = fact({ eventId: "r", kind: "payment_succeeded", occurredAt: T0 + DAY });
    expect(desired(subscribed([failed, tied]), T0 + 10 * DAY).status).toBe("active");
  });

  it("suspends an unpaid or paused subscription until a payment after that snapshot", () => {
    for (const status of ["unpaid", "paused"] as const) {
      const snap = fact({ eventId: "u", kind: "subscription", occurredAt: T0 + DAY, items: items(), subscription: snapshot({ status }) });
      expect(desired(subscribed([snap]))).toMatchObject({ status: "suspended", reason: status });
      const paid = fact({ eventId: "p", kind: "payment_succeeded", occurredAt: T0 + 2 * DAY });
      expect(desired(subscribed([snap, paid])).status).toBe("active");
    }
  });

  it("revokes for good on a refund or a dispute, whatever arrives after", () => {
    const refund = fact({ eventId: "r", kind: "refund", key: null, occurredAt: T0 + DAY });
    const renewal = fact({ eventId: "n", kind: "payment_succeeded", occurredAt: T0 + 40 * DAY, paidThrough: T0 + 90 * DAY });
    expect(desired(subscribed([refund, renewal]))).toMatchObject({ status: "revoked", reason: "refund", expiresAt: T0 + DAY });
    const dispute = fact({ eventId: "d", kind: "dispute", key: null, occurredAt: T0 + DAY / 2 });
    expect(desired(subscribed([refund, dispute]))).toMatchObject({ status: "revoked", reason: "dispute" });
  });

  it("runs a one-time purchase forever, or for its term", () => {
    const order = fact({ eventId: "o", kind: "purchase", key: "order:1", oneTime: true, items: items(), occurredAt: T0 + 5 });
    expect(desired(foldFacts([order]))).toMatchObject({ status: "active", expiresAt: null, plan: "basic", features: ["export"] });
    expect(desired(foldFacts([order]), T0, [mapping({ termDays: 365 })]).expiresAt).toBe(T0 + 5 + 365 * DAY);
  });
});
