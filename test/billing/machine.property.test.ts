// Order independence, end to end: realistic provider sequences (./payloads) normalised by the real
// normalisers, delivered in order and then shuffled with duplicates through an incremental
// simulation of the service (a store keyed by event id, re-grouped and folded on every arrival),
// must end on the same desired license, and on the one the story implies.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BillingFact, BillingMapping, BillingProvider } from "../../src/contract/billing";
import { type DesiredOutcome, desiredLicense, foldFacts, groupFacts } from "../../src/services/billing/machine";
import { MalformedBillingEvent, normalizeFact } from "../../src/services/billing/providers/index";
import { lemonSqueezyOneTimeScenario, lemonSqueezyScenario } from "./payloads/lemonsqueezy";
import { paddleOneTimeScenario, paddleScenario } from "./payloads/paddle";
import { polarOneTimeScenario, polarScenario } from "./payloads/polar";
import {
  DAY_MS,
  type OneTimeScenarioOptions,
  type ProviderEvent,
  type SubscriptionPlan,
  type SubscriptionScenarioOptions,
  stripeOneTimeScenario,
  stripeScenario,
  timeline,
} from "./payloads/stripe";

const terms = { graceS: 86_400, dunningGraceS: 3 * 86_400 };
const START = Date.UTC(2026, 2, 1, 9);
const RUNS = 700;
const MIN_DELIVERIES = 10_000;

interface ProviderCase {
  subscription: (opts: SubscriptionScenarioOptions) => ProviderEvent[];
  oneTime: (opts: OneTimeScenarioOptions) => ProviderEvent[];
  disputes: boolean;
  sendsEmail: boolean;
  ids: { customer: string; price: string; product: string; upgradePrice: string; upgradeProduct: string; oneTimePrice: string };
}

const CASES: Record<BillingProvider, ProviderCase> = {
  stripe: {
    subscription: stripeScenario,
    oneTime: stripeOneTimeScenario,
    disputes: true,
    sendsEmail: true,
    ids: { customer: "cus_QX1", price: "price_basic", product: "prod_app", upgradePrice: "price_pro", upgradeProduct: "prod_pro", oneTimePrice: "price_life" },
  },
  paddle: {
    subscription: paddleScenario,
    oneTime: paddleOneTimeScenario,
    disputes: true,
    sendsEmail: false,
    ids: {
      customer: "ctm_01h8441jn5pcwrfhwh78jqt8hk",
      price: "pri_01basic",
      product: "pro_01app",
      upgradePrice: "pri_01pro",
      upgradeProduct: "pro_01pro",
      oneTimePrice: "pri_01life",
    },
  },
  lemonsqueezy: {
    subscription: lemonSqueezyScenario,
    oneTime: lemonSqueezyOneTimeScenario,
    disputes: false,
    sendsEmail: true,
    ids: { customer: "4242", price: "101", product: "201", upgradePrice: "102", upgradeProduct: "202", oneTimePrice: "103" },
  },
  polar: {
    subscription: polarScenario,
    oneTime: polarOneTimeScenario,
    disputes: false,
    sendsEmail: true,
    ids: {
      customer: "0b5a9a7e-1d8e-4c1e-9d0a-6f3a1b2c3d4e",
      price: "a1b2c3d4-0000-4000-8000-000000000001",
      product: "a1b2c3d4-0000-4000-8000-000000000011",
      upgradePrice: "a1b2c3d4-0000-4000-8000-000000000002",
      upgradeProduct: "a1b2c3d4-0000-4000-8000-000000000012",
      oneTimePrice: "a1b2c3d4-0000-4000-8000-000000000003",
    },
  },
};

const mapping = (match: string, plan: string, extra: Partial<BillingMapping> = {}): BillingMapping => ({
  match,
  policyId: `pol_${plan}`,
  plan,
  features: [plan],
  seats: null,
  seatsFromQuantity: true,
  termDays: null,
  ...extra,
});
const mappingsOf = (c: ProviderCase) => [
  mapping(c.ids.upgradePrice, "pro"),
  mapping(c.ids.price, "basic"),
  mapping(c.ids.oneTimePrice, "life", { seatsFromQuantity: false, seats: 1, termDays: 365 }),
];
const customer = (c: ProviderCase) => ({ id: c.ids.customer, email: "ada@example.test", name: "Ada Lovelace" });

type Scenario =
  | {
      kind: "subscription";
      plan: SubscriptionPlan;
      quantity: number;
      upgradeQuantity: number;
      stripeApi: "current" | "legacy";
      ties: boolean[];
      nowOffset: number;
      seed: number;
    }
  | { kind: "oneTime"; refund: boolean; quantity: number; ties: boolean[]; nowOffset: number; seed: number };

function scenarioArb(c: ProviderCase): fc.Arbitrary<Scenario> {
  const common = {
    quantity: fc.integer({ min: 1, max: 20 }),
    ties: fc.array(fc.boolean(), { minLength: 1, maxLength: 48 }),
    // Either side of the dunning grace, never near it: an hour, or ten days, after the last step.
    nowOffset: fc.constantFrom(3_600_000, 10 * DAY_MS),
    seed: fc.integer(),
  };
  const plan = fc.record({
    renewals: fc.integer({ min: 0, max: 4 }),
    failure: fc.option(fc.record({ recovered: fc.boolean() }), { nil: null }),
    upgrade: fc.boolean(),
    cancel: fc.boolean(),
    end: c.disputes ? fc.constantFrom(null, "refund" as const, "dispute" as const) : fc.constantFrom(null, "refund" as const),
  });
  const subscription = fc.record({
    kind: fc.constant("subscription" as const),
    plan,
    upgradeQuantity: fc.integer({ min: 1, max: 50 }),
    stripeApi: fc.constantFrom("current" as const, "legacy" as const),
    ...common,
  });
  const oneTime = fc.record({ kind: fc.constant("oneTime" as const), refund: fc.boolean(), ...common });
  return fc.oneof({ arbitrary: subscription, weight: 5 }, { arbitrary: oneTime, weight: 1 });
}

function build(c: ProviderCase, sc: Scenario): { events: ProviderEvent[]; now: number; check: (outcome: DesiredOutcome | undefined) => void } {
  const tie = (i: number) => sc.ties[i % sc.ties.length] === true;
  const seed = `s${(sc.seed >>> 0).toString(36)}`;
  if (sc.kind === "oneTime") {
    const events = c.oneTime({
      customer: customer(c),
      priceId: c.ids.oneTimePrice,
      productId: c.ids.product,
      quantity: sc.quantity,
      start: START,
      refund: sc.refund,
      seed,
      tie,
    });
    return {
      events,
      now: START + 5 * DAY_MS + sc.nowOffset,
      check: (outcome) => {
        expect(outcome?.ok).toBe(true);
        if (!outcome?.ok) return;
        expect(outcome.desired).toMatchObject({ status: sc.refund ? "revoked" : "active", reason: sc.refund ? "refund" : null, plan: "life", seats: 1 });
        if (!sc.refund) expect(outcome.desired.expiresAt! - (START + 365 * DAY_MS)).toBeLessThan(10_000);
      },
    };
  }
  const opts = {
    customer: customer(c),
    priceId: c.ids.price,
    productId: c.ids.product,
    upgradePriceId: c.ids.upgradePrice,
    upgradeProductId: c.ids.upgradeProduct,
    quantity: sc.quantity,
    upgradeQuantity: sc.upgradeQuantity,
    start: START,
    plan: sc.plan,
    seed,
    tie,
    stripeApi: sc.stripeApi,
  };
  const steps = timeline(START, sc.plan);
  const periodEnd = steps.filter((s) => ["purchase", "renewal", "failure", "recovery"].includes(s.kind)).at(-1)!.periodEnd;
  const failedAt = steps.find((s) => s.kind === "failure")?.at ?? null;
  const now = steps.at(-1)!.at + sc.nowOffset;
  const { plan } = sc;
  return {
    events: c.subscription(opts),
    now,
    check: (outcome) => {
      expect(outcome?.ok).toBe(true);
      if (!outcome?.ok) return;
      const d = outcome.desired;
      expect(d).toMatchObject({ plan: plan.upgrade ? "pro" : "basic", seats: plan.upgrade ? sc.upgradeQuantity : sc.quantity });
      expect(d.customer?.externalId).toBe(c.ids.customer);
      if (c.sendsEmail) expect(d.customer?.email).toBe("ada@example.test");
      if (plan.end) return expect(d).toMatchObject({ status: "revoked", reason: plan.end });
      // Ended at the period end: no grace, whatever the payments said.
      if (plan.cancel) return expect(d).toMatchObject({ status: "active", expiresAt: periodEnd });
      const suspended = plan.failure !== null && !plan.failure.recovered && now >= failedAt! + terms.dunningGraceS * 1000;
      expect(d).toMatchObject({
        status: suspended ? "suspended" : "active",
        reason: suspended ? "payment_failed" : null,
        expiresAt: periodEnd + terms.graceS * 1000,
      });
    },
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every event once to three times (as provider retries do), then all of them shuffled (Fisher-Yates). */
function shuffledWithDuplicates(count: number, seed: number): number[] {
  const random = mulberry32(seed);
  const order: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const copies = r < 0.5 ? 1 : r < 0.85 ? 2 : 3;
    for (let k = 0; k < copies; k++) order.push(i);
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** The service, in memory: store each new event id once, re-group, fold, and note every member's license. */
function deliver(provider: BillingProvider, events: ProviderEvent[], order: readonly number[], now: number, mappings: BillingMapping[]) {
  const store = new Map<string, BillingFact>();
  const delivered: BillingFact[] = [];
  const license = new Map<string, string>();
  for (const i of order) {
    const event = events[i]!;
    const fact = normalizeFact(provider, JSON.parse(event.body), { eventId: event.eventId, eventName: event.headersMeta.eventName, receivedAt: 0 });
    delivered.push(fact);
    if (store.has(fact.eventId)) continue;
    store.set(fact.eventId, fact);
    const group = groupFacts([...store.values()]).find((g) => g.some((f) => f.eventId === fact.eventId))!;
    const outcome = JSON.stringify(desiredLicense(foldFacts(group), mappings, terms, now));
    for (const f of group) license.set(f.eventId, outcome);
  }
  return { license, delivered, facts: [...store.values()] };
}

const sameLicenses = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([id, outcome]) => b.get(id) === outcome);

describe.each(Object.keys(CASES) as BillingProvider[])("%s: delivery order does not matter", (provider) => {
  const c = CASES[provider];
  const mappings = mappingsOf(c);

  it(`shuffled and duplicated deliveries end on the in-order license (at least ${MIN_DELIVERIES})`, () => {
    let sequences = 0;
    let deliveries = 0;
    let divergences = 0;
    fc.assert(
      fc.property(scenarioArb(c), (sc) => {
        const { events, now, check } = build(c, sc);
        const inOrder = deliver(
          provider,
          events,
          events.map((_, i) => i),
          now,
          mappings,
        );
        const shuffled = deliver(provider, events, shuffledWithDuplicates(events.length, sc.seed), now, mappings);
        sequences++;
        deliveries += shuffled.delivered.length;
        if (!sameLicenses(inOrder.license, shuffled.license)) divergences++;
        // Every fact that matters must have found its subscription or order: an orphan refund revokes nothing.
        const groups = groupFacts(inOrder.facts).filter((g) => g.some((f) => f.kind !== "ignored"));
        expect(groups).toHaveLength(1);
        const final = desiredLicense(foldFacts(groups[0]!), mappings, terms, now);
        // Duplicates handed straight to the machine count once too.
        expect(desiredLicense(foldFacts(shuffled.delivered), mappings, terms, now)).toEqual(final);
        expect(inOrder.license.get(groups[0]![0]!.eventId)).toBe(JSON.stringify(final));
        check(final);
        expect(divergences).toBe(0);
      }),
      { numRuns: RUNS },
    );
    console.log(`billing order-independence ${provider}: ${sequences} sequences, ${deliveries} shuffled+duplicated deliveries, ${divergences} divergences`);
    expect(deliveries).toBeGreaterThanOrEqual(MIN_DELIVERIES);
  });

  const story = (plan: SubscriptionPlan) => {
    const sc: Scenario = { kind: "subscription", plan, quantity: 2, upgradeQuantity: 5, stripeApi: "current", ties: [false], nowOffset: 10 * DAY_MS, seed: 7 };
    return build(c, sc);
  };
  const finalOf = (events: ProviderEvent[], order: number[], now: number) => {
    const { license, facts } = deliver(provider, events, order, now, mappings);
    const main = groupFacts(facts).find((g) => g.some((f) => f.kind !== "ignored"))!;
    return JSON.parse(license.get(main[0]!.eventId)!) as DesiredOutcome;
  };
  const indexes = (events: ProviderEvent[]) => events.map((_, i) => i);

  it("applies the same event id twice once", () => {
    const { events, now, check } = story({ renewals: 1, failure: null, upgrade: false, cancel: false, end: null });
    const twice = indexes(events).flatMap((i) => [i, i]);
    expect(finalOf(events, twice, now)).toEqual(finalOf(events, indexes(events), now));
    check(finalOf(events, twice, now));
  });

  it("lets no older subscription snapshot win by arriving after a newer one", () => {
    const { events, now, check } = story({ renewals: 0, failure: null, upgrade: true, cancel: false, end: null });
    // Newest first: the upgrade's snapshot arrives before the purchase's.
    const reversed = indexes(events).reverse();
    const outcome = finalOf(events, reversed, now);
    check(outcome);
    expect(outcome.ok && outcome.desired.plan).toBe("pro");
  });

  it("revokes on a refund that arrives before the renewal it refunds", () => {
    const { events, now, check } = story({ renewals: 2, failure: null, upgrade: false, cancel: false, end: "refund" });
    const refunds = indexes(events).filter((i) => /refund/.test(events[i]!.name) || events[i]!.name.startsWith("adjustment."));
    expect(refunds.length).toBeGreaterThan(0);
    const refundFirst = [...refunds, ...indexes(events).filter((i) => !refunds.includes(i))];
    check(finalOf(events, refundFirst, now));
  });

  it("ends active after a failed payment that was recovered, in either order", () => {
    const { events, now, check } = story({ renewals: 1, failure: { recovered: true }, upgrade: false, cancel: false, end: null });
    const outcome = finalOf(events, indexes(events), now);
    expect(outcome).toMatchObject({ ok: true, desired: { status: "active", reason: null } });
    check(finalOf(events, indexes(events).reverse(), now));
  });

  it("answers odd input with a fact or MalformedBillingEvent, never another error", () => {
    const { events } = story({ renewals: 1, failure: { recovered: false }, upgrade: true, cancel: true, end: "refund" });
    const bodies = events.map((e) => JSON.parse(e.body) as unknown);
    const mutated = fc
      .tuple(fc.nat({ max: bodies.length - 1 }), fc.nat(), fc.jsonValue({ maxDepth: 2 }))
      .map(([b, p, value]) => mutate(structuredClone(bodies[b]), p, value));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated), fc.option(fc.string({ maxLength: 300 }), { nil: undefined }), (payload, eventId) => {
        try {
          const fact = normalizeFact(provider, payload, { eventId, receivedAt: START });
          expect(fact.provider).toBe(provider);
        } catch (err) {
          expect(err).toBeInstanceOf(MalformedBillingEvent);
        }
      }),
      { numRuns: 400 },
    );
  });
});

/** Replaces one node of a JSON value (picked by `pick` among all of them) with `value`. */
function mutate(root: unknown, pick: number, value: unknown): unknown {
  const slots: { parent: Record<string, unknown>; key: string }[] = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== "object") return;
    for (const [key, child] of Object.entries(node)) {
      slots.push({ parent: node as Record<string, unknown>, key });
      walk(child);
    }
  };
  walk(root);
  const slot = slots[pick % Math.max(1, slots.length)];
  if (!slot) return value;
  slot.parent[slot.key] = value;
  return root;
}
