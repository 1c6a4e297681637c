// Stripe events (https://docs.stripe.com/api/events/object) as BillingFacts. Keys: the subscription
// id (`sub_…`) for subscriptions, `order:<payment_intent or checkout session>` for one-time
// payments. Both API generations are read: before 2025-03-31 ("basil") an invoice named its
// subscription and payment intent and a subscription its current_period_end; since, the invoice
// names `parent.subscription_details.subscription` and the period end sits on each item, and only
// `invoice_payment.paid` ties an invoice to the payment intent a refund names (so it is kept as a
// linking fact). `created` is in seconds: ties are common and machine.ts breaks them by event id.
import { z } from "zod";
import type { BillingFact, BillingItem, BillingSubscriptionSnapshot, BillingSubscriptionStatus } from "../../../contract/billing";
import {
  customerOf,
  emailSchema,
  type FactHead,
  idSchema,
  ignoredFact,
  lazy,
  listSchema,
  makeFact,
  maxTime,
  type NormalizeMeta,
  nameSchema,
  parseWith,
  quantitySchema,
  requireEventId,
  unixSecondsSchema,
} from "./shared";

/** An id, or the object when the sender expanded it. */
const expandable = () => z.union([idSchema(), z.object({ id: idSchema() }).transform((o) => o.id)]);

const schemas = lazy(() => {
  const seconds = unixSecondsSchema();
  const price = z.object({ id: idSchema(), product: expandable().nullish() });
  return {
    envelope: z.object({
      id: idSchema(),
      type: z.string().min(1).max(100),
      created: seconds,
      data: z.object({ object: z.record(z.string(), z.unknown()) }),
    }),
    session: z.object({
      id: idSchema(),
      mode: z.string().max(40),
      payment_status: z.string().max(40),
      payment_intent: expandable().nullish(),
      subscription: expandable().nullish(),
      invoice: expandable().nullish(),
      customer: expandable().nullish(),
      customer_email: emailSchema(),
      customer_details: z.object({ email: emailSchema(), name: nameSchema() }).nullish(),
      // Never in a webhook: present only when the caller fetched the session with line_items expanded.
      line_items: z.object({ data: listSchema(z.object({ price: price.nullish(), quantity: quantitySchema().nullish() })) }).nullish(),
    }),
    subscription: z.object({
      id: idSchema(),
      status: z.string().max(40),
      customer: expandable().nullish(),
      current_period_end: seconds.nullish(),
      cancel_at_period_end: z.boolean().nullish(),
      cancel_at: seconds.nullish(),
      ended_at: seconds.nullish(),
      items: z.object({
        data: listSchema(z.object({ price: price.nullish(), quantity: quantitySchema().nullish(), current_period_end: seconds.nullish() })),
      }),
    }),
    invoice: z.object({
      id: idSchema(),
      subscription: expandable().nullish(),
      parent: z.object({ subscription_details: z.object({ subscription: expandable().nullish() }).nullish() }).nullish(),
      payment_intent: expandable().nullish(),
      charge: expandable().nullish(),
      customer: expandable().nullish(),
      customer_email: emailSchema(),
      customer_name: nameSchema(),
      lines: z
        .object({
          data: listSchema(
            z.object({
              period: z.object({ end: seconds }).nullish(),
              subscription: expandable().nullish(),
              quantity: quantitySchema().nullish(),
              // What the line bought: `pricing.price_details` since 2025-03-31, a `price` object before.
              price: price.nullish(),
              pricing: z.object({ price_details: z.object({ price: idSchema().nullish(), product: idSchema().nullish() }).nullish() }).nullish(),
            }),
          ),
        })
        .nullish(),
    }),
    invoicePayment: z.object({
      id: idSchema(),
      invoice: expandable(),
      payment: z.object({ payment_intent: expandable().nullish(), charge: expandable().nullish() }).nullish(),
    }),
    charge: z.object({
      id: idSchema(),
      refunded: z.boolean(),
      payment_intent: expandable().nullish(),
      // Removed from Charge in 2025-03-31; older accounts still send it.
      invoice: expandable().nullish(),
      customer: expandable().nullish(),
      billing_details: z.object({ email: emailSchema(), name: nameSchema() }).nullish(),
    }),
    dispute: z.object({ id: idSchema(), charge: expandable(), payment_intent: expandable().nullish() }),
  };
});

const SUBSCRIPTION_EVENTS = new Set([
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.subscription.trial_will_end",
  "customer.subscription.pending_update_applied",
  "customer.subscription.pending_update_expired",
]);

const STATUS: Record<string, BillingSubscriptionStatus> = {
  active: "active",
  trialing: "trialing",
  past_due: "past_due",
  unpaid: "unpaid",
  paused: "paused",
  canceled: "canceled",
};

export function normalizeStripe(payload: unknown, meta: NormalizeMeta): BillingFact {
  const s = schemas();
  const event = parseWith(s.envelope, payload, "stripe event");
  const head: FactHead = {
    provider: "stripe",
    eventId: requireEventId(event.id, meta, "stripe"),
    eventType: event.type,
    occurredAt: event.created,
  };
  const object = event.data.object;

  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return checkoutFact(head, parseWith(s.session, object, "stripe checkout session"));
    case "invoice.paid":
    case "invoice.payment_succeeded":
    case "invoice.payment_failed":
      return invoiceFact(head, parseWith(s.invoice, object, "stripe invoice"));
    case "invoice_payment.paid": {
      const payment = parseWith(s.invoicePayment, object, "stripe invoice payment");
      return ignoredFact(head, "links an invoice to its payment", { refs: [payment.invoice, payment.payment?.payment_intent, payment.payment?.charge] });
    }
    case "charge.refunded": {
      const charge = parseWith(s.charge, object, "stripe charge");
      const refs = [charge.payment_intent, charge.invoice, charge.id];
      // A partial refund is a goodwill credit, not a reversal of the purchase: the license stays.
      if (!charge.refunded) return ignoredFact(head, "partial refund", { refs });
      const customer = customerOf(charge.customer, charge.billing_details?.email, charge.billing_details?.name);
      return makeFact(head, "refund", { refs, customer });
    }
    case "charge.dispute.created": {
      const dispute = parseWith(s.dispute, object, "stripe dispute");
      return makeFact(head, "dispute", { refs: [dispute.payment_intent, dispute.charge] });
    }
  }
  if (SUBSCRIPTION_EVENTS.has(event.type)) return subscriptionFact(head, parseWith(s.subscription, object, "stripe subscription"));
  return ignoredFact(head, `event type ${event.type} is not used`);
}

type Session = z.output<ReturnType<typeof schemas>["session"]>;
type Subscription = z.output<ReturnType<typeof schemas>["subscription"]>;
type Invoice = z.output<ReturnType<typeof schemas>["invoice"]>;

function checkoutFact(head: FactHead, session: Session): BillingFact {
  const refs = [session.id, session.payment_intent, session.invoice];
  if (session.mode !== "payment" && session.mode !== "subscription") return ignoredFact(head, `checkout mode ${session.mode} buys nothing`, { refs });
  // Bank debits and vouchers complete the checkout unpaid; async_payment_succeeded follows if they clear.
  if (session.payment_status === "unpaid") return ignoredFact(head, "checkout awaiting an asynchronous payment", { refs });
  const customer = customerOf(session.customer, session.customer_details?.email ?? session.customer_email, session.customer_details?.name);
  const items = session.line_items ? session.line_items.data.map((line) => item(line.price, line.quantity)) : null;
  if (session.mode === "subscription") {
    if (!session.subscription) return ignoredFact(head, "subscription checkout without a subscription", { refs });
    return makeFact(head, "purchase", { key: session.subscription, refs, customer, items, oneTime: false });
  }
  return makeFact(head, "purchase", { key: `order:${session.payment_intent ?? session.id}`, refs, customer, items, oneTime: true });
}

function subscriptionFact(head: FactHead, sub: Subscription): BillingFact {
  const status = STATUS[sub.status];
  // incomplete: the first payment has not gone through, so nothing is owed yet; a later snapshot says when it does.
  if (!status) return ignoredFact(head, `subscription status ${sub.status} grants nothing`, { key: sub.id });
  // Before 2025-03-31 the period end is on the subscription; since then, on each item.
  const periodEnd = sub.current_period_end ?? maxTime(sub.items.data.map((i) => i.current_period_end));
  const cancelAt = sub.cancel_at ?? null;
  const snapshot: BillingSubscriptionSnapshot = {
    status,
    periodEnd,
    // cancel_at at or before the period end is a cancellation at the end of this period, set the newer way.
    cancelAtPeriodEnd: sub.cancel_at_period_end === true || (cancelAt !== null && (periodEnd === null || cancelAt <= periodEnd)),
    // Not canceled_at: that is when the cancellation was asked for, often well before the paid period ends.
    endedAt: status === "canceled" ? (sub.ended_at ?? null) : null,
  };
  return makeFact(head, "subscription", {
    key: sub.id,
    customer: customerOf(sub.customer, null, null),
    items: sub.items.data.map((i) => item(i.price, i.quantity)),
    subscription: snapshot,
  });
}

function invoiceFact(head: FactHead, invoice: Invoice): BillingFact {
  const lines = invoice.lines?.data ?? [];
  const subscription = invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? lines.find((l) => l.subscription)?.subscription ?? null;
  const refs = [invoice.id, invoice.payment_intent, invoice.charge];
  const customer = customerOf(invoice.customer, invoice.customer_email, invoice.customer_name);
  if (!subscription) {
    // A one-time Checkout with invoice creation on: the webhook's session has no line items, but
    // its paid invoice has them; it links to the session through the invoice id.
    const bought = lines.map((l) =>
      l.pricing?.price_details?.price
        ? item({ id: l.pricing.price_details.price, product: l.pricing.price_details.product }, l.quantity)
        : l.price
          ? item(l.price, l.quantity)
          : null,
    );
    if (head.eventType === "invoice.paid" && bought.length > 0 && bought.every((b) => b !== null)) {
      return makeFact(head, "purchase", { key: null, refs, customer, items: bought as BillingItem[], oneTime: true });
    }
    return ignoredFact(head, "invoice is not for a subscription", { refs });
  }
  if (head.eventType === "invoice.payment_failed") return makeFact(head, "payment_failed", { key: subscription, refs, customer });
  return makeFact(head, "payment_succeeded", { key: subscription, refs, customer, paidThrough: maxTime(lines.map((l) => l.period?.end)) });
}

function item(price: { id: string; product?: string | null } | null | undefined, quantity: number | null | undefined): BillingItem {
  return { priceId: price?.id ?? null, productId: price?.product ?? null, variantId: null, quantity: quantity ?? 1 };
}
