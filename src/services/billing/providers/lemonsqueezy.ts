// Lemon Squeezy events (https://docs.lemonsqueezy.com/help/webhooks/event-types) as BillingFacts.
// The body is a JSON:API resource with no event id: the caller passes a hash of the body. Ids are
// numbers shared across resource types, so every key and ref says what it names: `sub:<id>` for a
// subscription, `order:<id>` for an order (a one-time purchase's key, and a subscription's ref, so
// the order_created sent beside subscription_created joins it), `invoice:<id>` for a
// subscription invoice. Items carry the variant (and product); Lemon Squeezy's numeric price ids
// are left out so a mapping's `match` cannot hit a price that shares a variant's number.
import { z } from "zod";
import type { BillingFact, BillingItem, BillingSubscriptionSnapshot } from "../../../contract/billing";
import {
  customerOf,
  emailSchema,
  type FactHead,
  ignoredFact,
  isoTimeSchema,
  lazy,
  MalformedBillingEvent,
  makeFact,
  type NormalizeMeta,
  nameSchema,
  numericIdSchema,
  parseWith,
  quantitySchema,
  requireEventId,
} from "./shared";

const schemas = lazy(() => {
  const time = isoTimeSchema();
  const id = numericIdSchema();
  const person = { customer_id: id.nullish(), user_email: emailSchema(), user_name: nameSchema() };
  const times = { created_at: time.nullish(), updated_at: time.nullish() };
  return {
    times: z.object(times),
    envelope: z.object({
      meta: z.object({ event_name: z.string().min(1).max(100).nullish() }),
      data: z.object({ type: z.string().max(60), id, attributes: z.record(z.string(), z.unknown()) }),
    }),
    order: z.object({
      ...person,
      ...times,
      status: z.string().max(40),
      first_order_item: z.object({ product_id: id.nullish(), variant_id: id.nullish(), quantity: quantitySchema().nullish() }).nullish(),
    }),
    subscription: z.object({
      ...person,
      ...times,
      status: z.string().max(40),
      order_id: id.nullish(),
      product_id: id.nullish(),
      variant_id: id.nullish(),
      first_subscription_item: z.object({ quantity: quantitySchema().nullish() }).nullish(),
      renews_at: time.nullish(),
      ends_at: time.nullish(),
      trial_ends_at: time.nullish(),
    }),
    invoice: z.object({ ...person, ...times, subscription_id: id, status: z.string().max(40) }),
  };
});

const SUBSCRIPTION_EVENTS = new Set([
  "subscription_created",
  "subscription_updated",
  "subscription_cancelled",
  "subscription_resumed",
  "subscription_expired",
  "subscription_paused",
  "subscription_unpaused",
]);

export function normalizeLemonSqueezy(payload: unknown, meta: NormalizeMeta): BillingFact {
  const s = schemas();
  const event = parseWith(s.envelope, payload, "lemonsqueezy event");
  // The body's name is signed; the X-Event-Name header is only a fallback.
  const eventType = event.meta.event_name ?? meta.eventName;
  if (!eventType || eventType.length > 100) throw new MalformedBillingEvent("lemonsqueezy event: no usable event name");
  const eventId = requireEventId(undefined, meta, "lemonsqueezy");
  const { id, attributes } = event.data;
  // updated_at moves with every change to the resource, so it orders two states of one order or subscription.
  const times = parseWith(s.times, attributes, "lemonsqueezy event");
  const at = times.updated_at ?? times.created_at;
  const head: FactHead = { provider: "lemonsqueezy", eventId, eventType, occurredAt: at ?? meta.receivedAt };

  const handled = eventType.startsWith("order_") || eventType.startsWith("subscription_");
  if (!handled) return ignoredFact(head, `event type ${eventType} is not used`);
  if (at === null) throw new MalformedBillingEvent("lemonsqueezy event: no created_at or updated_at");

  if (eventType === "order_created" || eventType === "order_refunded") {
    const order = parseWith(s.order, attributes, "lemonsqueezy order");
    const key = `order:${id}`;
    const customer = customerOf(order.customer_id, order.user_email, order.user_name);
    if (eventType === "order_refunded") {
      // A partial refund is a goodwill credit, not a reversal of the purchase: the license stays.
      if (order.status !== "refunded") return ignoredFact(head, `order ${order.status}`, { key });
      return makeFact(head, "refund", { key, customer });
    }
    // An order delivered late may already say refunded: it was paid, and order_refunded revokes it.
    if (!["paid", "refunded", "partial_refund"].includes(order.status)) return ignoredFact(head, `order ${order.status}`, { key });
    const first = order.first_order_item;
    const items: BillingItem[] | null = first
      ? [{ priceId: null, productId: first.product_id ?? null, variantId: first.variant_id ?? null, quantity: first.quantity ?? 1 }]
      : null;
    // One-time until a subscription naming this order joins the group (machine.ts: oneTime needs no subscription facts).
    return makeFact(head, "purchase", { key, customer, items, oneTime: true });
  }

  if (SUBSCRIPTION_EVENTS.has(eventType)) {
    const sub = parseWith(s.subscription, attributes, "lemonsqueezy subscription");
    const snapshot = subscriptionSnapshot(sub);
    const link = { key: `sub:${id}`, refs: [sub.order_id ? `order:${sub.order_id}` : null] };
    if (!snapshot) return ignoredFact(head, `subscription status ${sub.status} is not known`, link);
    return makeFact(head, "subscription", {
      ...link,
      customer: customerOf(sub.customer_id, sub.user_email, sub.user_name),
      items: [{ priceId: null, productId: sub.product_id ?? null, variantId: sub.variant_id ?? null, quantity: sub.first_subscription_item?.quantity ?? 1 }],
      subscription: snapshot,
    });
  }

  if (eventType.startsWith("subscription_payment_")) {
    const invoice = parseWith(s.invoice, attributes, "lemonsqueezy subscription invoice");
    const link = { key: `sub:${invoice.subscription_id}`, refs: [`invoice:${id}`] };
    const customer = customerOf(invoice.customer_id, invoice.user_email, invoice.user_name);
    switch (eventType) {
      case "subscription_payment_success":
      case "subscription_payment_recovered":
        // A subscription invoice names no period: the subscription's renews_at carries it.
        return makeFact(head, "payment_succeeded", { ...link, customer });
      case "subscription_payment_failed":
        return makeFact(head, "payment_failed", { ...link, customer });
      case "subscription_payment_refunded":
        if (invoice.status !== "refunded") return ignoredFact(head, `invoice ${invoice.status}`, link);
        return makeFact(head, "refund", { ...link, customer });
    }
  }
  return ignoredFact(head, `event type ${eventType} is not used`);
}

type Subscription = z.output<ReturnType<typeof schemas>["subscription"]>;

function subscriptionSnapshot(sub: Subscription): BillingSubscriptionSnapshot | null {
  const renews = sub.renews_at ?? null;
  switch (sub.status) {
    case "active":
    case "past_due":
    case "unpaid":
    case "paused":
      return { status: sub.status, periodEnd: renews, cancelAtPeriodEnd: false, endedAt: null };
    case "on_trial":
      return { status: "trialing", periodEnd: sub.trial_ends_at ?? renews, cancelAtPeriodEnd: false, endedAt: null };
    // Lemon Squeezy's "cancelled" is a grace period the customer paid for: access runs to ends_at.
    case "cancelled":
      return { status: "active", periodEnd: sub.ends_at ?? renews, cancelAtPeriodEnd: true, endedAt: null };
    case "expired":
      return { status: "canceled", periodEnd: sub.ends_at ?? renews, cancelAtPeriodEnd: false, endedAt: sub.ends_at ?? sub.updated_at ?? null };
    default:
      return null;
  }
}
