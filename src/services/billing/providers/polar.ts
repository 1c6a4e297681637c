// Polar events (https://polar.sh/docs/integrate/webhooks/events), sent as Standard Webhooks: the
// event id is the webhook-id header, passed by the caller. Polar ids are bare UUIDs shared across
// resource types, so keys and refs say what they name: `sub:<id>` for a subscription,
// `order:<id>` for an order (a one-time purchase's key; a renewal's and a refund's ref).
import { z } from "zod";
import type { BillingFact, BillingItem, BillingSubscriptionSnapshot, BillingSubscriptionStatus } from "../../../contract/billing";
import {
  customerOf,
  emailSchema,
  type FactHead,
  idSchema,
  ignoredFact,
  isoTimeSchema,
  lazy,
  listSchema,
  MalformedBillingEvent,
  makeFact,
  type NormalizeMeta,
  nameSchema,
  parseWith,
  quantitySchema,
  requireEventId,
} from "./shared";

const schemas = lazy(() => {
  const time = isoTimeSchema();
  const customer = z.object({ id: idSchema(), email: emailSchema(), name: nameSchema() }).nullish();
  const times = { created_at: time.nullish(), modified_at: time.nullish() };
  return {
    envelope: z.object({ type: z.string().min(1).max(100), timestamp: time.nullish(), data: z.record(z.string(), z.unknown()) }),
    times: z.object(times),
    subscription: z.object({
      ...times,
      id: idSchema(),
      status: z.string().max(40),
      current_period_end: time.nullish(),
      cancel_at_period_end: z.boolean().nullish(),
      ends_at: time.nullish(),
      ended_at: time.nullish(),
      customer_id: idSchema().nullish(),
      customer,
      product_id: idSchema().nullish(),
      // Older payloads name one price; newer ones list them.
      price_id: idSchema().nullish(),
      prices: listSchema(z.object({ id: idSchema() })).nullish(),
      seats: quantitySchema().nullish(),
    }),
    order: z.object({
      ...times,
      id: idSchema(),
      status: z.string().max(40),
      billing_reason: z.string().max(40),
      subscription_id: idSchema().nullish(),
      product_id: idSchema().nullish(),
      customer_id: idSchema().nullish(),
      customer,
      items: listSchema(z.object({ product_price_id: idSchema().nullish(), proration: z.boolean().nullish() })).nullish(),
      seats: quantitySchema().nullish(),
      // The subscription as the order saw it: its period end is what a renewal paid for.
      subscription: z.object({ current_period_end: time.nullish() }).nullish(),
    }),
    refund: z.object({
      ...times,
      id: idSchema(),
      status: z.string().max(40),
      order_id: idSchema(),
      subscription_id: idSchema().nullish(),
      customer_id: idSchema().nullish(),
      revoke_benefits: z.boolean().nullish(),
    }),
  };
});

const SUBSCRIPTION_EVENTS = new Set([
  "subscription.created",
  "subscription.updated",
  "subscription.active",
  "subscription.canceled",
  "subscription.uncanceled",
  "subscription.revoked",
  "subscription.past_due",
]);

const STATUS: Record<string, BillingSubscriptionStatus> = {
  active: "active",
  trialing: "trialing",
  past_due: "past_due",
  unpaid: "unpaid",
  canceled: "canceled",
};

export function normalizePolar(payload: unknown, meta: NormalizeMeta): BillingFact {
  const s = schemas();
  const event = parseWith(s.envelope, payload, "polar event");
  const data = event.data;
  const times = parseWith(s.times, data, "polar event");
  // modified_at moves with each change to the resource; the envelope's timestamp is when Polar sent it.
  const at = times.modified_at ?? times.created_at ?? event.timestamp ?? null;
  const head: FactHead = { provider: "polar", eventId: requireEventId(undefined, meta, "polar"), eventType: event.type, occurredAt: at ?? meta.receivedAt };
  const type = event.type;
  const used = SUBSCRIPTION_EVENTS.has(type) || type === "order.paid" || type === "order.refunded" || type === "refund.created" || type === "refund.updated";
  if (!used) {
    if (type === "order.created") return ignoredFact(head, "order not paid yet: order.paid follows");
    return ignoredFact(head, `event type ${type} is not used`);
  }
  if (at === null) throw new MalformedBillingEvent("polar event: no time");
  if (SUBSCRIPTION_EVENTS.has(type)) return subscriptionFact(head, parseWith(s.subscription, data, "polar subscription"));
  if (type.startsWith("order.")) return orderFact(head, parseWith(s.order, data, "polar order"));
  return refundFact(head, parseWith(s.refund, data, "polar refund"));
}

type Subscription = z.output<ReturnType<typeof schemas>["subscription"]>;
type Order = z.output<ReturnType<typeof schemas>["order"]>;
type Refund = z.output<ReturnType<typeof schemas>["refund"]>;

function subscriptionFact(head: FactHead, sub: Subscription): BillingFact {
  const key = `sub:${sub.id}`;
  const status = STATUS[sub.status];
  // incomplete: the first payment has not gone through, so nothing is owed yet.
  if (!status) return ignoredFact(head, `subscription status ${sub.status} grants nothing`, { key });
  const snapshot: BillingSubscriptionSnapshot = {
    status,
    periodEnd: sub.current_period_end ?? null,
    cancelAtPeriodEnd: sub.cancel_at_period_end === true,
    endedAt: status === "canceled" ? (sub.ended_at ?? sub.ends_at ?? null) : null,
  };
  const priceIds = sub.prices?.length ? sub.prices.map((p) => p.id) : [sub.price_id ?? null];
  const items: BillingItem[] = priceIds.map((priceId) => ({ priceId, productId: sub.product_id ?? null, variantId: null, quantity: sub.seats ?? 1 }));
  const fields = {
    key,
    customer: customerOf(sub.customer?.id ?? sub.customer_id, sub.customer?.email, sub.customer?.name),
    items,
    subscription: snapshot,
  };
  // Polar sends no failed-payment event of its own: subscription.past_due is the failure, and dunning starts from it.
  if (head.eventType === "subscription.past_due") return makeFact(head, "payment_failed", fields);
  return makeFact(head, "subscription", fields);
}

function orderFact(head: FactHead, order: Order): BillingFact {
  const orderRef = `order:${order.id}`;
  const customer = customerOf(order.customer?.id ?? order.customer_id, order.customer?.email, order.customer?.name);
  if (head.eventType === "order.refunded") {
    const key = order.subscription_id ? `sub:${order.subscription_id}` : orderRef;
    // A partial refund is a goodwill credit, not a reversal of the purchase: the license stays.
    if (order.status !== "refunded") return ignoredFact(head, `order ${order.status}`, { key, refs: [orderRef] });
    return makeFact(head, "refund", { key, refs: [orderRef], customer });
  }
  if (order.subscription_id) {
    return makeFact(head, "payment_succeeded", {
      key: `sub:${order.subscription_id}`,
      refs: [orderRef],
      customer,
      paidThrough: order.subscription?.current_period_end ?? null,
    });
  }
  if (order.billing_reason !== "purchase") return ignoredFact(head, `order for ${order.billing_reason} names no subscription`, { refs: [orderRef] });
  const lines = (order.items ?? []).filter((i) => i.product_price_id && !i.proration);
  const quantity = order.seats ?? 1;
  const items: BillingItem[] = lines.length
    ? lines.map((i) => ({ priceId: i.product_price_id ?? null, productId: order.product_id ?? null, variantId: null, quantity }))
    : [{ priceId: null, productId: order.product_id ?? null, variantId: null, quantity }];
  return makeFact(head, "purchase", { key: orderRef, customer, items, oneTime: true });
}

function refundFact(head: FactHead, refund: Refund): BillingFact {
  const orderRef = `order:${refund.order_id}`;
  const link = { key: refund.subscription_id ? `sub:${refund.subscription_id}` : orderRef, refs: [orderRef] };
  // pending refunds may still fail; refund.updated says when one succeeded.
  if (refund.status !== "succeeded") return ignoredFact(head, `refund ${refund.status}`, link);
  // The merchant chose to refund and keep the customer's benefits: the license stays.
  if (refund.revoke_benefits === false) return ignoredFact(head, "refund keeps benefits", link);
  return makeFact(head, "refund", { ...link, customer: customerOf(refund.customer_id, null, null) });
}
