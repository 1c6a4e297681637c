// Paddle Billing events (https://developer.paddle.com/webhooks/overview) as BillingFacts. Keys: the
// subscription id (`sub_…`), `order:<txn_…>` for a one-time transaction; every transaction id is
// also a ref, and subscription.created names its first transaction, so the checkout's
// transaction.paid (sent before the subscription exists, without subscription_id) joins it.
import { z } from "zod";
import type { BillingFact, BillingItem, BillingSubscriptionStatus } from "../../../contract/billing";
import {
  customerOf,
  type FactHead,
  idSchema,
  ignoredFact,
  isoTimeSchema,
  lazy,
  listSchema,
  makeFact,
  type NormalizeMeta,
  parseWith,
  quantitySchema,
  requireEventId,
} from "./shared";

const schemas = lazy(() => {
  const time = isoTimeSchema();
  const period = z.object({ ends_at: time }).nullish();
  const price = z.object({
    id: idSchema(),
    product_id: idSchema().nullish(),
    // Set on recurring prices: tells a subscription's first transaction from a one-time one.
    billing_cycle: z.object({ interval: z.string().max(20) }).nullish(),
  });
  const item = z.object({ price: price.nullish(), product: z.object({ id: idSchema() }).nullish(), quantity: quantitySchema() });
  return {
    envelope: z.object({
      event_id: idSchema(),
      event_type: z.string().min(1).max(100),
      occurred_at: time,
      data: z.record(z.string(), z.unknown()),
    }),
    subscription: z.object({
      id: idSchema(),
      status: z.string().max(40),
      customer_id: idSchema().nullish(),
      transaction_id: idSchema().nullish(),
      items: listSchema(item),
      current_billing_period: period,
      scheduled_change: z.object({ action: z.string().max(40), effective_at: time }).nullish(),
      canceled_at: time.nullish(),
    }),
    transaction: z.object({
      id: idSchema(),
      subscription_id: idSchema().nullish(),
      customer_id: idSchema().nullish(),
      items: listSchema(item),
      billing_period: period,
    }),
    adjustment: z.object({
      id: idSchema(),
      action: z.string().max(40),
      // full | partial; absent on older payloads, read as full.
      type: z.string().max(20).nullish(),
      status: z.string().max(40),
      transaction_id: idSchema(),
      subscription_id: idSchema().nullish(),
      customer_id: idSchema().nullish(),
    }),
  };
});

const STATUS: Record<string, BillingSubscriptionStatus> = {
  active: "active",
  trialing: "trialing",
  past_due: "past_due",
  paused: "paused",
  canceled: "canceled",
};

export function normalizePaddle(payload: unknown, meta: NormalizeMeta): BillingFact {
  const s = schemas();
  const event = parseWith(s.envelope, payload, "paddle event");
  const head: FactHead = {
    provider: "paddle",
    eventId: requireEventId(event.event_id, meta, "paddle"),
    eventType: event.event_type,
    occurredAt: event.occurred_at,
  };
  const type = event.event_type;
  if (type.startsWith("subscription.")) return subscriptionFact(head, parseWith(s.subscription, event.data, "paddle subscription"));
  if (type === "transaction.completed" || type === "transaction.paid" || type === "transaction.payment_failed") {
    return transactionFact(head, parseWith(s.transaction, event.data, "paddle transaction"));
  }
  if (type === "adjustment.created" || type === "adjustment.updated") return adjustmentFact(head, parseWith(s.adjustment, event.data, "paddle adjustment"));
  return ignoredFact(head, `event type ${type} is not used`);
}

type Subscription = z.output<ReturnType<typeof schemas>["subscription"]>;
type Transaction = z.output<ReturnType<typeof schemas>["transaction"]>;
type Adjustment = z.output<ReturnType<typeof schemas>["adjustment"]>;
type Item = Transaction["items"][number];

function subscriptionFact(head: FactHead, sub: Subscription): BillingFact {
  const status = STATUS[sub.status];
  if (!status) return ignoredFact(head, `subscription status ${sub.status} is not known`, { key: sub.id, refs: [sub.transaction_id] });
  const cancel = sub.scheduled_change?.action === "cancel" ? sub.scheduled_change.effective_at : null;
  const periodEnd = sub.current_billing_period?.ends_at ?? null;
  return makeFact(head, "subscription", {
    key: sub.id,
    refs: [sub.transaction_id],
    customer: customerOf(sub.customer_id, null, null),
    items: sub.items.map(item),
    subscription: {
      status,
      // A cancellation scheduled before the period ends cuts the period short.
      periodEnd: cancel !== null && (periodEnd === null || cancel < periodEnd) ? cancel : periodEnd,
      cancelAtPeriodEnd: cancel !== null,
      endedAt: status === "canceled" ? (sub.canceled_at ?? null) : null,
    },
  });
}

function transactionFact(head: FactHead, txn: Transaction): BillingFact {
  const customer = customerOf(txn.customer_id, null, null);
  const refs = [txn.id];
  if (head.eventType === "transaction.payment_failed") {
    // A failed attempt inside checkout grants and removes nothing; only a renewal's failure starts dunning.
    if (!txn.subscription_id) return ignoredFact(head, "checkout payment attempt failed", { refs });
    return makeFact(head, "payment_failed", { key: txn.subscription_id, refs, customer });
  }
  const paidThrough = txn.billing_period?.ends_at ?? null;
  if (txn.subscription_id) return makeFact(head, "payment_succeeded", { key: txn.subscription_id, refs, customer, paidThrough });
  const items = txn.items.map(item);
  // Recurring prices without a subscription id: the checkout of a subscription not created yet. Its
  // key comes from subscription.created, which names this transaction; never a perpetual one-time grant.
  if (txn.items.some((i) => i.price?.billing_cycle)) return makeFact(head, "purchase", { refs, customer, items, paidThrough, oneTime: false });
  return makeFact(head, "purchase", { key: `order:${txn.id}`, refs, customer, items, oneTime: true });
}

function adjustmentFact(head: FactHead, adj: Adjustment): BillingFact {
  const link = { key: adj.subscription_id ?? null, refs: [adj.transaction_id] };
  const customer = customerOf(adj.customer_id, null, null);
  if (adj.action === "refund") {
    // Most live refunds wait for Paddle's approval; only an approved one moved money.
    if (adj.status !== "approved") return ignoredFact(head, `refund ${adj.status}`, link);
    // A partial refund is a goodwill credit, not a reversal of the purchase: the license stays.
    if (adj.type === "partial") return ignoredFact(head, "partial refund", link);
    return makeFact(head, "refund", { ...link, customer });
  }
  if (adj.action === "chargeback" || adj.action === "chargeback_warning") {
    if (adj.status === "rejected" || adj.status === "reversed") return ignoredFact(head, `${adj.action} ${adj.status}`, link);
    return makeFact(head, "dispute", { ...link, customer });
  }
  return ignoredFact(head, `adjustment ${adj.action} is not used`, link);
}

function item(i: Item): BillingItem {
  return { priceId: i.price?.id ?? null, productId: i.price?.product_id ?? i.product?.id ?? null, variantId: null, quantity: i.quantity };
}
