// Realistic Lemon Squeezy webhook bodies (JSON:API resources, https://docs.lemonsqueezy.com/help/webhooks)
// for the shared story in ./stripe.ts. Lemon Squeezy sends no event id and no disputes: `eventId`
// is the hex SHA-256 of the body, the id the caller derives; a plan ending in a dispute throws.
import type { BillingProvider } from "../../../src/contract/billing";
import { Clock, DAY_MS, type OneTimeScenarioOptions, type ProviderEvent, randomSeed, type Step, type SubscriptionScenarioOptions, timeline } from "./stripe";

export type { ProviderEvent } from "./stripe";

const provider: BillingProvider = "lemonsqueezy";
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "000Z");
/** Lemon Squeezy ids are numbers; ids given as digits are sent as numbers too. */
const num = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : id);

/** Numeric ids unique to a seed (a 32-bit FNV-1a of it, scaled). */
function idBase(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  return (h % 1_000_000) * 1000;
}

function emitter(clock: Clock, out: ProviderEvent[]) {
  return (eventName: string, type: string, id: number, attributes: (at: number) => object) => {
    const at = clock.next();
    const body = JSON.stringify({
      meta: { event_name: eventName, test_mode: true, webhook_id: "lsq-webhook" },
      data: { type, id: String(id), attributes: attributes(at) },
    });
    out.push({ name: eventName, provider, eventId: sha256Hex(body), headersMeta: { eventName }, body });
  };
}

/** Lemon Squeezy's story: order and subscription, subscription invoices, refunds. */
export function lemonSqueezyScenario(opts: SubscriptionScenarioOptions): ProviderEvent[] {
  const seed = opts.seed ?? randomSeed();
  const base = idBase(seed);
  const [orderId, subId] = [base + 1, base + 2];
  const clock = new Clock(opts.tie);
  const out: ProviderEvent[] = [];
  const emit = emitter(clock, out);
  const cus = opts.customer;
  const person = { store_id: 1, customer_id: num(cus.id), user_name: cus.name, user_email: cus.email };
  let item = { variant: opts.priceId, product: opts.productId, quantity: opts.quantity };
  const order = (status: string) => (at: number) => ({
    ...person,
    identifier: `${seed}-order`,
    order_number: orderId,
    status,
    refunded: status === "refunded",
    total: 1000,
    currency: "USD",
    first_order_item: { id: base + 3, order_id: orderId, product_id: num(item.product), variant_id: num(item.variant), quantity: item.quantity, price: 1000 },
    created_at: iso(opts.start),
    updated_at: iso(at),
  });
  const subscription =
    (status: string, s: Step, ends: number | null = null) =>
    (at: number) => ({
      ...person,
      order_id: orderId,
      order_item_id: base + 3,
      product_id: num(item.product),
      variant_id: num(item.variant),
      product_name: "App",
      variant_name: "Monthly",
      status,
      status_formatted: status,
      cancelled: status === "cancelled",
      pause: null,
      trial_ends_at: null,
      billing_anchor: new Date(opts.start).getUTCDate(),
      first_subscription_item: { id: base + 4, subscription_id: subId, price_id: base + 5, quantity: item.quantity, is_usage_based: false },
      renews_at: iso(s.periodEnd),
      ends_at: ends === null ? null : iso(ends),
      created_at: iso(opts.start),
      updated_at: iso(at),
    });
  const invoice = (s: Step, status: string) => (at: number) => ({
    ...person,
    subscription_id: subId,
    billing_reason: s.payment === 0 ? "initial" : "renewal",
    status,
    refunded: status === "refunded",
    total: 1000,
    currency: "USD",
    created_at: iso(s.at),
    updated_at: iso(at),
  });
  const invoiceId = (n: number) => base + 10 + n;

  for (const s of timeline(opts.start, opts.plan, opts.periodDays)) {
    clock.step(s.at);
    switch (s.kind) {
      case "purchase":
        emit("order_created", "orders", orderId, order("paid"));
        emit("subscription_created", "subscriptions", subId, subscription("active", s));
        emit("subscription_payment_success", "subscription-invoices", invoiceId(0), invoice(s, "paid"));
        break;
      case "renewal":
        emit("subscription_payment_success", "subscription-invoices", invoiceId(s.payment), invoice(s, "paid"));
        emit("subscription_updated", "subscriptions", subId, subscription("active", s));
        break;
      case "failure":
        emit("subscription_payment_failed", "subscription-invoices", invoiceId(s.payment), invoice(s, "pending"));
        emit("subscription_updated", "subscriptions", subId, subscription("past_due", s));
        break;
      case "recovery":
        emit("subscription_payment_success", "subscription-invoices", invoiceId(s.payment), invoice(s, "paid"));
        emit("subscription_payment_recovered", "subscription-invoices", invoiceId(s.payment), invoice(s, "paid"));
        emit("subscription_updated", "subscriptions", subId, subscription("active", s));
        break;
      case "upgrade":
        item = { variant: opts.upgradePriceId, product: opts.upgradeProductId ?? opts.productId, quantity: opts.upgradeQuantity ?? opts.quantity };
        emit("subscription_updated", "subscriptions", subId, subscription("active", s));
        break;
      case "cancel":
        emit("subscription_cancelled", "subscriptions", subId, subscription("cancelled", s, s.periodEnd));
        emit("subscription_updated", "subscriptions", subId, subscription("cancelled", s, s.periodEnd));
        break;
      case "ended":
        emit("subscription_expired", "subscriptions", subId, subscription("expired", s, s.periodEnd));
        emit("subscription_updated", "subscriptions", subId, subscription("expired", s, s.periodEnd));
        break;
      case "refund":
        emit("subscription_payment_refunded", "subscription-invoices", invoiceId(s.payment), invoice(s, "refunded"));
        if (s.payment === 0) emit("order_refunded", "orders", orderId, order("refunded"));
        break;
      case "dispute":
        throw new Error("Lemon Squeezy sends no dispute events.");
    }
  }
  return out;
}

/** A one-time order, and optionally its refund. */
export function lemonSqueezyOneTimeScenario(opts: OneTimeScenarioOptions): ProviderEvent[] {
  const seed = opts.seed ?? randomSeed();
  const orderId = idBase(seed) + 1;
  const clock = new Clock(opts.tie);
  const out: ProviderEvent[] = [];
  const emit = emitter(clock, out);
  const order = (status: string) => (at: number) => ({
    store_id: 1,
    customer_id: num(opts.customer.id),
    user_name: opts.customer.name,
    user_email: opts.customer.email,
    identifier: `${seed}-order`,
    order_number: orderId,
    status,
    refunded: status === "refunded",
    total: 1000,
    currency: "USD",
    first_order_item: {
      id: orderId + 2,
      order_id: orderId,
      product_id: num(opts.productId),
      variant_id: num(opts.priceId),
      quantity: opts.quantity,
      price: 1000,
    },
    created_at: iso(opts.start),
    updated_at: iso(at),
  });
  clock.step(opts.start);
  emit("order_created", "orders", orderId, order("paid"));
  if (opts.refund) {
    clock.step(opts.start + 5 * DAY_MS);
    emit("order_refunded", "orders", orderId, order("refunded"));
  }
  return out;
}

// SHA-256 (FIPS 180-4), synchronous so the builders stay plain functions; WebCrypto's is async.
const K = Uint32Array.from(
  "428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070 19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2"
    .split(" ")
    .map((h) => Number.parseInt(h, 16)),
);

export function sha256Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const length = (((bytes.length + 9 + 63) >> 6) << 6) >>> 0;
  const data = new Uint8Array(length);
  data.set(bytes);
  data[bytes.length] = 0x80;
  const view = new DataView(data.buffer);
  view.setUint32(length - 8, Math.floor((bytes.length * 8) / 2 ** 32));
  view.setUint32(length - 4, (bytes.length * 8) >>> 0);
  const h = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15]!, 7) ^ rotr(w[i - 15]!, 18) ^ (w[i - 15]! >>> 3);
      const s1 = rotr(w[i - 2]!, 17) ^ rotr(w[i - 2]!, 19) ^ (w[i - 2]! >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!];
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
    h[5] = h[5]! + f;
    h[6] = h[6]! + g;
    h[7] = h[7]! + hh;
  }
  return Array.from(h, (v) => v.toString(16).padStart(8, "0")).join("");
}
