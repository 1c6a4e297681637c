// The billing state machine, pure. A subscription's or an order's license is a function of the SET
// of facts received about it, never of their arrival order: every choice below is a max, a min or
// "the greatest (occurredAt, eventId)", so retries, duplicates and reordering give one answer.
// Event ids break ties because providers' clocks are coarse (Stripe counts seconds): the choice
// between two facts of one second is arbitrary but the same on every replica and every replay.
import type { BillingCustomer, BillingFact, BillingItem, BillingMapping, BillingSubscriptionSnapshot, DesiredLicense } from "../../contract/billing";

/** What a group of facts says, folded. Times are ms since the epoch. */
export interface BillingState {
  /** The subscription or order (`sub_…`, `sub:<id>`, `order:<id>`), or null when no fact named one. */
  key: string | null;
  items: BillingItem[] | null;
  subscription: BillingSubscriptionSnapshot | null;
  /** When the provider described the winning snapshot. */
  subscriptionAt: number | null;
  customer: BillingCustomer | null;
  /** The latest end of a period some payment covered. */
  paidThrough: number | null;
  /** The first purchase: a one-time license's term runs from it. */
  purchaseAt: number | null;
  lastPaidAt: number | null;
  lastFailedAt: number | null;
  refundedAt: number | null;
  disputedAt: number | null;
  /** A one-time purchase, and nothing says a subscription is involved. */
  oneTime: boolean;
}

export interface BillingTerms {
  /** How long after a renewing subscription's period end the license still runs (a late renewal webhook must not lock anyone out). */
  graceS: number;
  /** How long after a failed payment the license keeps running while the provider retries. */
  dunningGraceS: number;
}

export type DesiredOutcome = { ok: true; desired: DesiredLicense } | { ok: false; reason: "unmapped" | "incomplete"; message: string };

const DAY_MS = 86_400_000;

/** Strict total order on facts: provider time, then event id (plain code-unit order, no locale). */
export function compareFacts(a: BillingFact, b: BillingFact): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? -1 : 1;
  if (a.eventId !== b.eventId) return a.eventId < b.eventId ? -1 : 1;
  return a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0;
}

/** One fact per (provider, event id). Two deliveries of one event normalise alike; should they differ, the smaller JSON wins, so the pick is still independent of order. */
function dedupe(facts: readonly BillingFact[]): BillingFact[] {
  const byId = new Map<string, { fact: BillingFact; json: string | null }>();
  for (const fact of facts) {
    const id = `${fact.provider}\u0000${fact.eventId}`;
    const seen = byId.get(id);
    if (!seen) {
      byId.set(id, { fact, json: null });
      continue;
    }
    seen.json ??= JSON.stringify(seen.fact);
    const json = JSON.stringify(fact);
    if (json < seen.json) byId.set(id, { fact, json });
  }
  return [...byId.values()].map((v) => v.fact);
}

/**
 * Facts about one subscription or order, together: the connected components of "shares its key or
 * a ref" (per provider: ids of two providers never link). Duplicated event ids count once. Facts
 * naming no id stand alone. Groups and their facts are sorted by (occurredAt, eventId).
 */
export function groupFacts(facts: BillingFact[]): BillingFact[][] {
  const unique = dedupe(facts).sort(compareFacts);
  const parent = new Map<string, string>();
  const find = (node: string): string => {
    let root = node;
    while (parent.get(root) !== root) root = parent.get(root)!;
    // Path compression keeps later finds short.
    for (let n = node; n !== root; ) {
      const next = parent.get(n)!;
      parent.set(n, root);
      n = next;
    }
    return root;
  };
  const nodesOf = (fact: BillingFact, index: number): string[] => {
    const ids = [fact.key, ...fact.refs].filter((id): id is string => !!id).map((id) => `${fact.provider}\u0000${id}`);
    return ids.length ? ids : [`\u0001${index}`];
  };
  unique.forEach((fact, index) => {
    const nodes = nodesOf(fact, index);
    for (const node of nodes) if (!parent.has(node)) parent.set(node, node);
    let root = find(nodes[0]!);
    for (const node of nodes.slice(1)) {
      const other = find(node);
      if (other === root) continue;
      // The smaller root wins: the partition never depends on it, but the tree's shape then does not depend on order either.
      const [low, high] = other < root ? [other, root] : [root, other];
      parent.set(high, low);
      root = low;
    }
  });
  const groups = new Map<string, BillingFact[]>();
  unique.forEach((fact, index) => {
    const root = find(nodesOf(fact, index)[0]!);
    const group = groups.get(root);
    if (group) group.push(fact);
    else groups.set(root, [fact]);
  });
  // Facts were sorted before grouping, so each group is sorted and its first fact orders the groups.
  return [...groups.values()].sort((a, b) => compareFacts(a[0]!, b[0]!));
}

/** The latest fact (greatest (occurredAt, eventId)) for which `has` holds. */
function latest(facts: readonly BillingFact[], has: (fact: BillingFact) => boolean): BillingFact | null {
  let best: BillingFact | null = null;
  for (const fact of facts) if (has(fact) && (best === null || compareFacts(fact, best) > 0)) best = fact;
  return best;
}

function extreme(values: readonly number[], pick: (a: number, b: number) => number): number | null {
  // Two arguments only: reduce's index and array would reach Math.max as extra operands.
  return values.length ? values.reduce((a, b) => pick(a, b)) : null;
}

const isSubscriptionFact = (f: BillingFact) =>
  f.kind === "subscription" || f.kind === "payment_succeeded" || f.kind === "payment_failed" || (f.kind === "purchase" && !f.oneTime);

/** A group's facts, folded. Ignored facts link groups but say nothing here. */
export function foldFacts(facts: BillingFact[]): BillingState {
  const used = dedupe(facts).filter((f) => f.kind !== "ignored");
  const at = (kinds: BillingFact["kind"][]) => used.filter((f) => kinds.includes(f.kind)).map((f) => f.occurredAt);
  const itemsFact = latest(used, (f) => f.items !== null && f.items.length > 0);
  const snapshotFact = latest(used, (f) => f.subscription !== null);
  const customerField = (field: keyof BillingCustomer) => latest(used, (f) => !!f.customer?.[field])?.customer?.[field] ?? null;
  const customer = { externalId: customerField("externalId"), email: customerField("email"), name: customerField("name") };
  const subscriptionKeys = used.filter((f) => f.key && isSubscriptionFact(f)).map((f) => f.key!);
  const anyKeys = used.filter((f) => f.key).map((f) => f.key!);
  // A subscription's id beats the `order:` key of its first checkout; among equals, the smallest is stable.
  const keys = subscriptionKeys.length ? subscriptionKeys : anyKeys.length ? anyKeys : facts.filter((f) => f.key).map((f) => f.key!);
  return {
    key: keys.length ? [...keys].sort()[0]! : null,
    items: itemsFact?.items ?? null,
    subscription: snapshotFact?.subscription ?? null,
    subscriptionAt: snapshotFact?.occurredAt ?? null,
    customer: customer.externalId || customer.email || customer.name ? customer : null,
    paidThrough: extreme(
      used.filter((f) => (f.kind === "payment_succeeded" || f.kind === "purchase") && f.paidThrough !== null).map((f) => f.paidThrough!),
      Math.max,
    ),
    purchaseAt: extreme(at(["purchase"]), Math.min),
    lastPaidAt: extreme(at(["payment_succeeded", "purchase"]), Math.max),
    lastFailedAt: extreme(at(["payment_failed"]), Math.max),
    refundedAt: extreme(at(["refund"]), Math.min),
    disputedAt: extreme(at(["dispute"]), Math.min),
    oneTime: used.some((f) => f.kind === "purchase" && f.oneTime) && !used.some(isSubscriptionFact),
  };
}

/** The first mapping, in the array's order, that matches an item's price, variant or product, with that item. */
function findMapping(items: readonly BillingItem[], mappings: readonly BillingMapping[]): { mapping: BillingMapping; item: BillingItem } | null {
  for (const mapping of mappings) {
    const item = items.find((i) => i.priceId === mapping.match || i.variantId === mapping.match || i.productId === mapping.match);
    if (item) return { mapping, item };
  }
  return null;
}

/**
 * What the license should be now. Two promises shape every rule: a paying customer is never
 * locked out (grace after a period end, dunning grace after a failure, payments reinstate), and a
 * refunded or disputed one is never licensed (revocation is final, whatever arrives after it).
 */
export function desiredLicense(state: BillingState, mappings: BillingMapping[], terms: BillingTerms, now: number): DesiredOutcome {
  if (!state.items || state.items.length === 0) {
    return { ok: false, reason: "incomplete", message: "No event has said what was bought yet." };
  }
  const found = findMapping(state.items, mappings);
  if (!found) return { ok: false, reason: "unmapped", message: "No mapping matches the price, variant or product bought." };
  const { mapping, item } = found;
  const base = {
    mapping,
    plan: mapping.plan,
    features: mapping.features,
    seats: mapping.seatsFromQuantity ? item.quantity * (mapping.seats ?? 1) : mapping.seats,
    customer: state.customer,
  };

  // Money went back: revoked for good, whichever came first deciding the reason.
  const revokedAt = extreme(
    [state.refundedAt, state.disputedAt].filter((t): t is number => t !== null),
    Math.min,
  );
  if (revokedAt !== null) {
    const reason = state.refundedAt === revokedAt ? "refund" : "dispute";
    return { ok: true, desired: { ...base, status: "revoked", reason, expiresAt: revokedAt } };
  }

  // A one-time purchase runs its term from the first purchase, or forever.
  if (state.oneTime) {
    const start = state.purchaseAt ?? state.lastPaidAt ?? 0;
    const expiresAt = mapping.termDays !== null ? start + mapping.termDays * DAY_MS : null;
    return { ok: true, desired: { ...base, status: "active", reason: null, expiresAt } };
  }

  // Whichever is later of what the subscription says and what a payment covered: a renewal's
  // payment may arrive before the snapshot that moves the period on.
  const snapshot = state.subscription;
  const periodEnd = extreme(
    [snapshot?.periodEnd, state.paidThrough].filter((t): t is number => typeof t === "number"),
    Math.max,
  );
  if (snapshot?.status === "canceled") {
    // Ended: no grace, the customer chose to stop or the provider gave up collecting.
    const expiresAt = snapshot.endedAt ?? periodEnd ?? state.subscriptionAt;
    return { ok: true, desired: { ...base, status: "active", reason: null, expiresAt } };
  }
  // Never issue a subscription license without an end: wait for a snapshot or a payment to give one.
  if (periodEnd === null) return { ok: false, reason: "incomplete", message: "No event has said when the subscription's period ends yet." };
  // Cancelled at period end: the customer paid up to it and no further, so no grace.
  const expiresAt = snapshot?.cancelAtPeriodEnd ? periodEnd : periodEnd + terms.graceS * 1000;

  // Dunning: a failure not followed by a payment suspends once the provider's retries have had their time.
  const failing = state.lastFailedAt !== null && (state.lastPaidAt === null || state.lastFailedAt > state.lastPaidAt);
  if (failing && now >= state.lastFailedAt! + terms.dunningGraceS * 1000) {
    return { ok: true, desired: { ...base, status: "suspended", reason: "payment_failed", expiresAt } };
  }
  // The provider says unpaid or paused; a payment after that snapshot outranks it until the next one arrives.
  const paidSince = state.lastPaidAt !== null && state.subscriptionAt !== null && state.lastPaidAt > state.subscriptionAt;
  if ((snapshot?.status === "unpaid" || snapshot?.status === "paused") && !paidSince) {
    return { ok: true, desired: { ...base, status: "suspended", reason: snapshot.status, expiresAt } };
  }
  return { ok: true, desired: { ...base, status: "active", reason: null, expiresAt } };
}
