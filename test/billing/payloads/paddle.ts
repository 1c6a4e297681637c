// Realistic Paddle Billing webhook bodies (the notification payloads of
// https://developer.paddle.com/webhooks) for the shared story in ./stripe.ts, in Paddle's order.
import type { BillingProvider } from "../../../src/contract/billing";
import { Clock, DAY_MS, type OneTimeScenarioOptions, type ProviderEvent, randomSeed, type Step, type SubscriptionScenarioOptions, timeline } from "./stripe";

export type { ProviderEvent } from "./stripe";

const provider: BillingProvider = "paddle";
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "000Z");

/** A Paddle-style id: prefix and 26 lowercase characters. */
function paddleId(prefix: string, seed: string, n: number | string): string {
  return `${prefix}_${`${seed}${String(n)}`
    .replace(/[^a-z0-9]/g, "")
    .padStart(26, "0")
    .slice(-26)}`;
}

function emitter(seed: string, clock: Clock, out: ProviderEvent[]) {
  return (type: string, data: object) => {
    const eventId = paddleId("evt", seed, `e${out.length}`);
    const event = { event_id: eventId, event_type: type, occurred_at: iso(clock.next()), notification_id: paddleId("ntf", seed, `n${out.length}`), data };
    out.push({ name: type, provider, eventId, headersMeta: {}, body: JSON.stringify(event) });
  };
}

function price(id: string, productId: string, recurring: boolean) {
  return {
    id,
    product_id: productId,
    description: recurring ? "Monthly (per seat)" : "Lifetime",
    status: "active",
    tax_mode: "account_setting",
    unit_price: { amount: "1000", currency_code: "USD" },
    billing_cycle: recurring ? { interval: "month", frequency: 1 } : null,
    trial_period: null,
    quantity: { minimum: 1, maximum: 999 },
  };
}

/** Paddle's story: checkout transaction, subscription, renewals, adjustments. */
export function paddleScenario(opts: SubscriptionScenarioOptions): ProviderEvent[] {
  const seed = opts.seed ?? randomSeed();
  const clock = new Clock(opts.tie);
  const out: ProviderEvent[] = [];
  const emit = emitter(seed, clock, out);
  const subId = paddleId("sub", seed, "s");
  const txnId = (n: number) => paddleId("txn", seed, `t${n}`);
  let item = { price: opts.priceId, product: opts.productId, quantity: opts.quantity };
  let scheduledCancel: number | null = null;
  const items = () => [
    { status: "active", quantity: item.quantity, recurring: true, price: price(item.price, item.product, true), product: { id: item.product, name: "App" } },
  ];
  const subscription = (status: string, s: Step, extra: object = {}) => ({
    id: subId,
    status,
    customer_id: opts.customer.id,
    address_id: paddleId("add", seed, "a"),
    currency_code: "USD",
    collection_mode: "automatic",
    created_at: iso(opts.start),
    updated_at: iso(s.at),
    started_at: iso(opts.start),
    first_billed_at: iso(opts.start),
    next_billed_at: scheduledCancel === null && status !== "canceled" ? iso(s.periodEnd) : null,
    paused_at: null,
    canceled_at: null,
    billing_cycle: { interval: "month", frequency: 1 },
    current_billing_period: status === "canceled" ? null : { starts_at: iso(s.periodStart), ends_at: iso(s.periodEnd) },
    scheduled_change: scheduledCancel === null ? null : { action: "cancel", effective_at: iso(scheduledCancel), resume_at: null },
    items: items(),
    custom_data: null,
    ...extra,
  });
  const transaction = (s: Step, status: string, subscriptionId: string | null) => ({
    id: txnId(s.payment),
    status,
    customer_id: opts.customer.id,
    subscription_id: subscriptionId,
    origin: s.payment === 0 ? "web" : "subscription_recurring",
    currency_code: "USD",
    collection_mode: "automatic",
    billing_period: { starts_at: iso(s.periodStart), ends_at: iso(s.periodEnd) },
    items: [{ price: price(item.price, item.product, true), quantity: item.quantity }],
    created_at: iso(s.at),
    updated_at: iso(s.at),
  });
  const paid = (s: Step, subscriptionId: string | null) => {
    emit("transaction.paid", transaction(s, "paid", subscriptionId));
    emit("transaction.completed", transaction(s, "completed", subId));
  };

  for (const s of timeline(opts.start, opts.plan, opts.periodDays)) {
    clock.step(s.at);
    switch (s.kind) {
      case "purchase":
        // The checkout's transaction is paid before the subscription exists: no subscription_id yet.
        emit("transaction.paid", transaction(s, "paid", null));
        emit("subscription.created", subscription("active", s, { transaction_id: txnId(0) }));
        emit("subscription.activated", subscription("active", s));
        emit("transaction.completed", transaction(s, "completed", subId));
        break;
      case "renewal":
        emit("subscription.updated", subscription("active", s));
        paid(s, subId);
        break;
      case "failure":
        emit("transaction.payment_failed", transaction(s, "past_due", subId));
        emit("subscription.past_due", subscription("past_due", s));
        break;
      case "recovery":
        paid(s, subId);
        emit("subscription.updated", subscription("active", s));
        break;
      case "upgrade":
        item = { price: opts.upgradePriceId, product: opts.upgradeProductId ?? opts.productId, quantity: opts.upgradeQuantity ?? opts.quantity };
        emit("subscription.updated", subscription("active", s));
        break;
      case "cancel":
        scheduledCancel = s.periodEnd;
        emit("subscription.updated", subscription("active", s));
        break;
      case "ended":
        scheduledCancel = null;
        emit("subscription.canceled", subscription("canceled", s, { canceled_at: iso(s.periodEnd) }));
        break;
      case "refund":
        refund(emit, seed, txnId(s.payment), subId, opts.customer.id);
        break;
      case "dispute":
        emit("adjustment.created", adjustment(seed, "chargeback", "approved", txnId(s.payment), subId, opts.customer.id));
        break;
    }
  }
  return out;
}

/** A one-time transaction (a price with no billing cycle), and optionally its approved refund. */
export function paddleOneTimeScenario(opts: OneTimeScenarioOptions): ProviderEvent[] {
  const seed = opts.seed ?? randomSeed();
  const clock = new Clock(opts.tie);
  const out: ProviderEvent[] = [];
  const emit = emitter(seed, clock, out);
  const txn = (status: string) => ({
    id: paddleId("txn", seed, "t0"),
    status,
    customer_id: opts.customer.id,
    subscription_id: null,
    origin: "web",
    currency_code: "USD",
    collection_mode: "automatic",
    billing_period: null,
    items: [{ price: price(opts.priceId, opts.productId, false), quantity: opts.quantity }],
    created_at: iso(opts.start),
    updated_at: iso(opts.start),
  });
  clock.step(opts.start);
  emit("transaction.paid", txn("paid"));
  emit("transaction.completed", txn("completed"));
  if (opts.refund) {
    clock.step(opts.start + 5 * DAY_MS);
    refund(emit, seed, paddleId("txn", seed, "t0"), null, opts.customer.id);
  }
  return out;
}

type Emit = ReturnType<typeof emitter>;

/** Live refunds wait for Paddle's approval: created pending, then updated approved. */
function refund(emit: Emit, seed: string, transactionId: string, subscriptionId: string | null, customerId: string) {
  emit("adjustment.created", adjustment(seed, "refund", "pending_approval", transactionId, subscriptionId, customerId));
  emit("adjustment.updated", adjustment(seed, "refund", "approved", transactionId, subscriptionId, customerId));
}

function adjustment(seed: string, action: string, status: string, transactionId: string, subscriptionId: string | null, customerId: string) {
  return {
    id: paddleId("adj", seed, action),
    action,
    type: "full",
    status,
    reason: action === "refund" ? "error" : "fraudulent",
    transaction_id: transactionId,
    subscription_id: subscriptionId,
    customer_id: customerId,
    currency_code: "USD",
    credit_applied_to_balance: false,
    items: [],
    totals: { subtotal: "1000", tax: "0", total: "1000", fee: "50", earnings: "950", currency_code: "USD" },
  };
}
