// Realistic Polar webhook bodies (Standard Webhooks, https://polar.sh/docs/integrate/webhooks/events)
// for the shared story in ./stripe.ts. `eventId` is the webhook-id header. Polar sends no failed-
// payment event (subscription.past_due is the failure) and no disputes: a plan ending in one throws.
import type { BillingProvider } from "../../../src/contract/billing";
import {
  Clock,
  DAY_MS,
  type OneTimeScenarioOptions,
  type ProviderEvent,
  randomSeed,
  type ScenarioCustomer,
  type Step,
  type SubscriptionScenarioOptions,
  timeline,
} from "./stripe";

export type { ProviderEvent } from "./stripe";

const provider: BillingProvider = "polar";
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "000Z");

/** A UUID-shaped id unique to (seed, label). */
function uuid(seed: string, label: string): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ round;
    for (const ch of `${seed}/${label}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function emitter(seed: string, clock: Clock, out: ProviderEvent[]) {
  return (type: string, data: (at: number) => object) => {
    const at = clock.next();
    const eventId = `msg_${uuid(seed, `event${out.length}`).replace(/-/g, "").slice(0, 27)}`;
    out.push({ name: type, provider, eventId, headersMeta: {}, body: JSON.stringify({ type, timestamp: iso(at), data: data(at) }) });
  };
}

const customerObject = (c: ScenarioCustomer) => ({
  id: c.id,
  email: c.email,
  name: c.name,
  external_id: null,
  email_verified: true,
  metadata: {},
  billing_address: null,
});

/** Polar's story: checkout order and subscription, renewal orders, refunds. */
export function polarScenario(opts: SubscriptionScenarioOptions): ProviderEvent[] {
  const seed = opts.seed ?? randomSeed();
  const clock = new Clock(opts.tie);
  const out: ProviderEvent[] = [];
  const emit = emitter(seed, clock, out);
  const subId = uuid(seed, "subscription");
  const orderId = (n: number) => uuid(seed, `order${n}`);
  let item = { price: opts.priceId, product: opts.productId, seats: opts.quantity };
  let cancel: { at: number; endsAt: number } | null = null;
  const subscription =
    (status: string, s: Step, endedAt: number | null = null) =>
    (at: number) => ({
      id: subId,
      created_at: iso(opts.start),
      modified_at: iso(at),
      status,
      amount: 1000 * item.seats,
      currency: "usd",
      recurring_interval: "month",
      current_period_start: iso(s.periodStart),
      current_period_end: iso(s.periodEnd),
      cancel_at_period_end: cancel !== null,
      canceled_at: cancel ? iso(cancel.at) : null,
      started_at: iso(opts.start),
      ends_at: cancel ? iso(cancel.endsAt) : null,
      ended_at: endedAt === null ? null : iso(endedAt),
      customer_id: opts.customer.id,
      product_id: item.product,
      discount_id: null,
      checkout_id: uuid(seed, "checkout"),
      seats: item.seats,
      metadata: {},
      customer: customerObject(opts.customer),
      prices: [{ id: item.price, product_id: item.product, amount_type: "fixed", price_amount: 1000, price_currency: "usd", type: "recurring" }],
    });
  const order = (s: Step, status: string, reason: string) => (at: number) => ({
    id: orderId(s.payment),
    created_at: iso(s.at),
    modified_at: iso(at),
    status,
    paid: status !== "pending",
    billing_reason: reason,
    total_amount: 1000 * item.seats,
    refunded_amount: status === "refunded" ? 1000 * item.seats : 0,
    currency: "usd",
    customer_id: opts.customer.id,
    product_id: item.product,
    subscription_id: subId,
    seats: item.seats,
    customer: customerObject(opts.customer),
    items: [{ id: uuid(seed, `item${s.payment}`), label: "App", amount: 1000 * item.seats, proration: false, product_price_id: item.price }],
    subscription: { id: subId, status: "active", current_period_end: iso(s.periodEnd) },
  });
  const reason = (s: Step) => (s.payment === 0 ? "subscription_create" : "subscription_cycle");

  for (const s of timeline(opts.start, opts.plan, opts.periodDays)) {
    clock.step(s.at);
    switch (s.kind) {
      case "purchase":
        emit("order.created", order(s, "pending", reason(s)));
        emit("subscription.created", subscription("active", s));
        emit("subscription.active", subscription("active", s));
        emit("order.paid", order(s, "paid", reason(s)));
        break;
      case "renewal":
        emit("subscription.updated", subscription("active", s));
        emit("order.created", order(s, "pending", reason(s)));
        emit("order.paid", order(s, "paid", reason(s)));
        break;
      case "failure":
        emit("order.created", order(s, "pending", reason(s)));
        emit("subscription.past_due", subscription("past_due", s));
        emit("subscription.updated", subscription("past_due", s));
        break;
      case "recovery":
        emit("order.paid", order(s, "paid", reason(s)));
        emit("subscription.active", subscription("active", s));
        emit("subscription.updated", subscription("active", s));
        break;
      case "upgrade":
        item = { price: opts.upgradePriceId, product: opts.upgradeProductId ?? opts.productId, seats: opts.upgradeQuantity ?? opts.quantity };
        emit("subscription.updated", subscription("active", s));
        break;
      case "cancel":
        cancel = { at: s.at, endsAt: s.periodEnd };
        emit("subscription.canceled", subscription("active", s));
        emit("subscription.updated", subscription("active", s));
        break;
      case "ended":
        emit("subscription.revoked", subscription("canceled", s, s.periodEnd));
        emit("subscription.updated", subscription("canceled", s, s.periodEnd));
        break;
      case "refund":
        refund(emit, seed, orderId(s.payment), subId, opts.customer.id);
        emit("order.refunded", order(s, "refunded", reason(s)));
        break;
      case "dispute":
        throw new Error("Polar sends no dispute events.");
    }
  }
  return out;
}

/** A one-time order (billing_reason purchase), and optionally its refund. */
export function polarOneTimeScenario(opts: OneTimeScenarioOptions): ProviderEvent[] {
  const seed = opts.seed ?? randomSeed();
  const clock = new Clock(opts.tie);
  const out: ProviderEvent[] = [];
  const emit = emitter(seed, clock, out);
  const id = uuid(seed, "order0");
  const order = (status: string) => (at: number) => ({
    id,
    created_at: iso(opts.start),
    modified_at: iso(at),
    status,
    paid: status !== "pending",
    billing_reason: "purchase",
    total_amount: 1000,
    refunded_amount: status === "refunded" ? 1000 : 0,
    currency: "usd",
    customer_id: opts.customer.id,
    product_id: opts.productId,
    subscription_id: null,
    seats: opts.quantity,
    customer: customerObject(opts.customer),
    items: [{ id: uuid(seed, "item0"), label: "App", amount: 1000, proration: false, product_price_id: opts.priceId }],
    subscription: null,
  });
  clock.step(opts.start);
  emit("order.created", order("pending"));
  emit("order.paid", order("paid"));
  if (opts.refund) {
    clock.step(opts.start + 5 * DAY_MS);
    refund(emit, seed, id, null, opts.customer.id);
    emit("order.refunded", order("refunded"));
  }
  return out;
}

function refund(emit: ReturnType<typeof emitter>, seed: string, orderId: string, subscriptionId: string | null, customerId: string) {
  emit("refund.created", (at) => ({
    id: uuid(seed, `refund-${orderId}`),
    created_at: iso(at),
    modified_at: null,
    status: "succeeded",
    reason: "customer_request",
    amount: 1000,
    tax_amount: 0,
    currency: "usd",
    order_id: orderId,
    subscription_id: subscriptionId,
    customer_id: customerId,
    revoke_benefits: true,
    metadata: {},
  }));
}
