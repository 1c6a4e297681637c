// Realistic Stripe webhook bodies for one customer's story, in the order Stripe sends them, ready
// to be signed (test/billing/sign.ts) and posted. This module also holds what the four builders
// share: the ProviderEvent shape, the plan of a subscription's life and its one timeline, so every
// provider tells the same story at the same times (only the wire shapes differ).
import type { BillingProvider } from "../../../src/contract/billing";

/** One delivery: sign `body` as the provider would; Polar's `eventId` is the webhook-id header. */
export interface ProviderEvent {
  name: string;
  provider: BillingProvider;
  eventId: string;
  headersMeta: { eventName?: string };
  body: string;
}

export interface ScenarioCustomer {
  id: string;
  email: string;
  name: string;
}

/** What happens to one subscription, always in this order. */
export interface SubscriptionPlan {
  /** Renewals paid after the first period. */
  renewals: number;
  /** A renewal that fails next, then is paid (recovered) or not. */
  failure: { recovered: boolean } | null;
  /** A change of price and quantity during the current period. */
  upgrade: boolean;
  /** Cancelled at period end, then ended at it. */
  cancel: boolean;
  /** Money back on the last payment (Lemon Squeezy and Polar send no disputes). */
  end: "refund" | "dispute" | null;
}

export const FULL_PLAN: SubscriptionPlan = { renewals: 1, failure: { recovered: true }, upgrade: true, cancel: true, end: "refund" };

export interface SubscriptionScenarioOptions {
  customer: ScenarioCustomer;
  /** The price bought (Lemon Squeezy: the variant). */
  priceId: string;
  productId: string;
  upgradePriceId: string;
  upgradeProductId?: string;
  quantity: number;
  upgradeQuantity?: number;
  /** ms; whole seconds keep Stripe's second-resolution times exact. */
  start: number;
  plan?: SubscriptionPlan;
  /** At least 25: the plan's mid-period steps sit 3 to 20 days into a period. */
  periodDays?: number;
  /** Makes every provider id unique to this scenario. */
  seed?: string;
  /** Ties: the n-th event of a step (n >= 1) takes the time of the one before it when this says so. */
  tie?: (eventIndex: number) => boolean;
  /** Stripe: "current" shapes (API 2025-03-31 and later) or the older ones. */
  stripeApi?: "current" | "legacy";
}

export interface OneTimeScenarioOptions {
  customer: ScenarioCustomer;
  priceId: string;
  productId: string;
  quantity: number;
  start: number;
  refund?: boolean;
  seed?: string;
  tie?: (eventIndex: number) => boolean;
  /** Stripe: webhooks never carry line_items; true gives the session as a caller that expanded them sees it. */
  stripeLineItems?: boolean;
}

export type StepKind = "purchase" | "renewal" | "failure" | "recovery" | "upgrade" | "cancel" | "refund" | "dispute" | "ended";

export interface Step {
  kind: StepKind;
  at: number;
  /** The payment this step makes, fails or refunds (0: the purchase, n: the n-th renewal). */
  payment: number;
  periodStart: number;
  periodEnd: number;
}

export const DAY_MS = 86_400_000;

/** The plan's steps with their times (ms), shared by the four builders and by tests' expectations. */
export function timeline(start: number, plan: SubscriptionPlan = FULL_PLAN, periodDays = 30): Step[] {
  const period = Math.max(25, periodDays) * DAY_MS;
  const steps: Step[] = [{ kind: "purchase", at: start, payment: 0, periodStart: start, periodEnd: start + period }];
  let periodStart = start;
  let lastPaid = 0;
  for (let n = 1; n <= plan.renewals; n++) {
    periodStart = start + n * period;
    steps.push({ kind: "renewal", at: periodStart, payment: n, periodStart, periodEnd: periodStart + period });
    lastPaid = n;
  }
  if (plan.failure) {
    const n = plan.renewals + 1;
    periodStart = start + n * period;
    steps.push({ kind: "failure", at: periodStart, payment: n, periodStart, periodEnd: periodStart + period });
    if (plan.failure.recovered) {
      steps.push({ kind: "recovery", at: periodStart + 3 * DAY_MS, payment: n, periodStart, periodEnd: periodStart + period });
      lastPaid = n;
    }
  }
  const current = { payment: lastPaid, periodStart, periodEnd: periodStart + period };
  if (plan.upgrade) steps.push({ kind: "upgrade", at: periodStart + 10 * DAY_MS, ...current });
  if (plan.cancel) steps.push({ kind: "cancel", at: periodStart + 15 * DAY_MS, ...current });
  if (plan.end) steps.push({ kind: plan.end, at: periodStart + 20 * DAY_MS, ...current });
  if (plan.cancel) steps.push({ kind: "ended", at: current.periodEnd, ...current });
  return steps;
}

/** Event times within a step: one second apart, or the same second when `tie` says so. */
export class Clock {
  private last = 0;
  private inStep = 0;
  private index = 0;
  private readonly tie?: (eventIndex: number) => boolean;
  constructor(tie?: (eventIndex: number) => boolean) {
    this.tie = tie;
  }
  step(at: number): void {
    this.last = at - 1000;
    this.inStep = 0;
  }
  next(): number {
    const tied = this.inStep > 0 && this.tie?.(this.index) === true;
    this.index++;
    this.inStep++;
    this.last = tied ? this.last : this.last + 1000;
    return this.last;
  }
}

export function randomSeed(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(36).padStart(2, "0")).join("");
}

const sec = (ms: number) => Math.floor(ms / 1000);

/** Stripe's story: checkout, subscription, invoices, and the refund or dispute of the last payment. */
export function stripeScenario(opts: SubscriptionScenarioOptions): ProviderEvent[] {
  const seed = opts.seed ?? randomSeed();
  const current = (opts.stripeApi ?? "current") === "current";
  const clock = new Clock(opts.tie);
  const out: ProviderEvent[] = [];
  const emit = stripeEmitter(seed, current, clock, out);
  const cus = opts.customer;
  const subId = `sub_${seed}`;
  let item = { price: opts.priceId, product: opts.productId, quantity: opts.quantity };
  let cancelAt: number | null = null;
  const subscription = (status: string, s: Step, ended: number | null = null) => {
    const period = { current_period_start: sec(s.periodStart), current_period_end: sec(s.periodEnd) };
    return {
      id: subId,
      object: "subscription",
      status,
      customer: cus.id,
      cancel_at_period_end: cancelAt !== null,
      cancel_at: cancelAt,
      canceled_at: cancelAt === null ? null : sec(s.at),
      ended_at: ended,
      start_date: sec(opts.start),
      latest_invoice: `in_${seed}_${s.payment}`,
      items: {
        object: "list",
        data: [{ id: `si_${seed}`, object: "subscription_item", price: price(item.price, item.product), quantity: item.quantity, ...(current ? period : {}) }],
        has_more: false,
      },
      ...(current ? {} : period),
      metadata: {},
    };
  };
  const invoice = (s: Step, paid: boolean) => ({
    id: `in_${seed}_${s.payment}`,
    object: "invoice",
    status: paid ? "paid" : "open",
    billing_reason: s.payment === 0 ? "subscription_create" : "subscription_cycle",
    customer: cus.id,
    customer_email: cus.email,
    customer_name: cus.name,
    amount_paid: paid ? 1000 * item.quantity : 0,
    currency: "usd",
    lines: {
      object: "list",
      has_more: false,
      data: [
        {
          id: `il_${seed}_${s.payment}`,
          object: "line_item",
          amount: 1000 * item.quantity,
          period: { start: sec(s.periodStart), end: sec(s.periodEnd) },
          quantity: item.quantity,
          ...(current
            ? { pricing: { type: "price_details", price_details: { price: item.price, product: item.product } } }
            : { price: price(item.price, item.product), subscription: subId }),
        },
      ],
    },
    ...(current
      ? { parent: { type: "subscription_details", subscription_details: { subscription: subId, metadata: {} }, quote_details: null } }
      : { subscription: subId, payment_intent: `pi_${seed}_${s.payment}`, charge: paid ? `ch_${seed}_${s.payment}` : null }),
  });
  const paid = (s: Step) => {
    emit("invoice.paid", invoice(s, true));
    if (current) emit("invoice_payment.paid", invoicePayment(seed, s.payment));
  };

  for (const s of timeline(opts.start, opts.plan, opts.periodDays)) {
    clock.step(s.at);
    switch (s.kind) {
      case "purchase":
        emit("checkout.session.completed", {
          ...session(seed, cus),
          mode: "subscription",
          subscription: subId,
          invoice: `in_${seed}_0`,
          payment_intent: null,
        });
        emit("customer.subscription.created", subscription("active", s));
        paid(s);
        break;
      case "renewal":
        emit("customer.subscription.updated", subscription("active", s));
        paid(s);
        break;
      case "failure":
        emit("invoice.payment_failed", { ...invoice(s, false), attempt_count: 1 });
        emit("customer.subscription.updated", subscription("past_due", s));
        break;
      case "recovery":
        paid(s);
        emit("customer.subscription.updated", subscription("active", s));
        break;
      case "upgrade":
        item = { price: opts.upgradePriceId, product: opts.upgradeProductId ?? opts.productId, quantity: opts.upgradeQuantity ?? opts.quantity };
        emit("customer.subscription.updated", subscription("active", s));
        break;
      case "cancel":
        cancelAt = sec(s.periodEnd);
        emit("customer.subscription.updated", subscription("active", s));
        break;
      case "ended":
        emit("customer.subscription.deleted", subscription("canceled", s, sec(s.periodEnd)));
        break;
      case "refund":
        emit("charge.refunded", refundedCharge(seed, s.payment, cus, current));
        break;
      case "dispute":
        emit("charge.dispute.created", dispute(seed, s.payment));
        break;
    }
  }
  return out;
}

/** A one-time Checkout payment, and optionally its refund. */
export function stripeOneTimeScenario(opts: OneTimeScenarioOptions): ProviderEvent[] {
  const seed = opts.seed ?? randomSeed();
  const clock = new Clock(opts.tie);
  const out: ProviderEvent[] = [];
  const emit = stripeEmitter(seed, true, clock, out);
  clock.step(opts.start);
  const lineItems = {
    object: "list",
    has_more: false,
    data: [{ id: `li_${seed}`, object: "item", price: price(opts.priceId, opts.productId, false), quantity: opts.quantity }],
  };
  emit("checkout.session.completed", {
    ...session(seed, opts.customer),
    mode: "payment",
    subscription: null,
    invoice: null,
    payment_intent: `pi_${seed}_0`,
    ...(opts.stripeLineItems === false ? {} : { line_items: lineItems }),
  });
  if (opts.refund) {
    clock.step(opts.start + 5 * DAY_MS);
    emit("charge.refunded", refundedCharge(seed, 0, opts.customer, true));
  }
  return out;
}

function stripeEmitter(seed: string, current: boolean, clock: Clock, out: ProviderEvent[]) {
  return (type: string, object: object) => {
    const eventId = `evt_${seed}${String(out.length).padStart(4, "0")}`;
    const event = {
      id: eventId,
      object: "event",
      api_version: current ? "2025-09-30.clover" : "2024-06-20",
      created: sec(clock.next()),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    out.push({ name: type, provider: "stripe", eventId, headersMeta: {}, body: JSON.stringify(event) });
  };
}

function price(id: string, product: string, recurring = true) {
  return {
    id,
    object: "price",
    product,
    currency: "usd",
    unit_amount: 1000,
    type: recurring ? "recurring" : "one_time",
    recurring: recurring ? { interval: "month", interval_count: 1 } : null,
  };
}

function session(seed: string, cus: ScenarioCustomer) {
  return {
    id: `cs_test_${seed}`,
    object: "checkout.session",
    status: "complete",
    payment_status: "paid",
    customer: cus.id,
    customer_email: null,
    customer_details: { email: cus.email, name: cus.name, address: null, phone: null, tax_exempt: "none", tax_ids: [] },
    amount_total: 1000,
    currency: "usd",
    livemode: false,
    metadata: {},
  };
}

function invoicePayment(seed: string, n: number) {
  return {
    id: `inpay_${seed}_${n}`,
    object: "invoice_payment",
    invoice: `in_${seed}_${n}`,
    is_default: true,
    status: "paid",
    payment: { type: "payment_intent", payment_intent: `pi_${seed}_${n}` },
  };
}

function refundedCharge(seed: string, n: number, cus: ScenarioCustomer, current: boolean) {
  return {
    id: `ch_${seed}_${n}`,
    object: "charge",
    amount: 1000,
    amount_refunded: 1000,
    refunded: true,
    status: "succeeded",
    paid: true,
    customer: cus.id,
    payment_intent: `pi_${seed}_${n}`,
    billing_details: { email: cus.email, name: cus.name },
    ...(current ? {} : { invoice: `in_${seed}_${n}` }),
  };
}

function dispute(seed: string, n: number) {
  return {
    id: `dp_${seed}_${n}`,
    object: "dispute",
    amount: 1000,
    charge: `ch_${seed}_${n}`,
    payment_intent: `pi_${seed}_${n}`,
    reason: "fraudulent",
    status: "needs_response",
  };
}
