// Billing connectors: a payment provider's webhooks turned into license changes. Each provider's
// payloads are normalised (services/billing/providers/*) into the facts below; a subscription's or
// an order's license is then a pure function of the SET of facts received about it
// (services/billing/machine.ts), never of their arrival order, so retries, duplicates and
// reordering cannot leave a refunded customer licensed or a paying one locked out.

export const BILLING_PROVIDERS = ["stripe", "paddle", "lemonsqueezy", "polar"] as const;
export type BillingProvider = (typeof BILLING_PROVIDERS)[number];

/** One line of a purchase: the provider's ids for what was bought, and how many. */
export interface BillingItem {
  /** Stripe price, Paddle price, Polar price; null when the provider did not say. */
  priceId: string | null;
  /** Stripe/Paddle/Polar product, Lemon Squeezy product. */
  productId: string | null;
  /** Lemon Squeezy variant. */
  variantId: string | null;
  quantity: number;
}

/** Who paid, as the provider knows them. */
export interface BillingCustomer {
  /** The provider's customer id (cus_…, ctm_…, a Lemon Squeezy or Polar customer id). */
  externalId: string | null;
  email: string | null;
  name: string | null;
}

/** A subscription as the provider last described it. */
export type BillingSubscriptionStatus = "trialing" | "active" | "past_due" | "unpaid" | "paused" | "canceled";

export interface BillingSubscriptionSnapshot {
  status: BillingSubscriptionStatus;
  /** End of the current paid period (ms since epoch), when the provider said. */
  periodEnd: number | null;
  /** The subscription ends at periodEnd (cancelled, not renewing). */
  cancelAtPeriodEnd: boolean;
  /** When an ended subscription ended (ms), if it did. */
  endedAt: number | null;
}

/**
 * What one provider event says, normalised. `kind`:
 * - `subscription`: a snapshot of a subscription (created, updated, cancelled, resumed...)
 * - `purchase`: a completed one-time order or checkout (a subscription's first checkout too)
 * - `payment_succeeded` / `payment_failed`: a subscription invoice or transaction was paid / failed
 * - `refund` / `dispute`: money went back; the license is revoked for good
 * - `ignored`: a well-signed event this service has no use for (`ignoredReason` says why)
 */
export type BillingFactKind = "subscription" | "purchase" | "payment_succeeded" | "payment_failed" | "refund" | "dispute" | "ignored";

export interface BillingFact {
  provider: BillingProvider;
  /** The provider's event id (Stripe evt_, Paddle evt_, Polar's webhook-id, Lemon Squeezy: a hash of the body). */
  eventId: string;
  /** The provider's event name (`invoice.paid`, `subscription_updated`...). */
  eventType: string;
  /** The provider's own time for this state (ms): what orders facts, never their arrival. */
  occurredAt: number;
  kind: BillingFactKind;
  ignoredReason?: string;
  /**
   * The subscription or order this is about (`sub_…`, or `order:<id>` for one-time purchases), when
   * the event names it. Null when only `refs` link it (a Stripe refund names a payment intent).
   */
  key: string | null;
  /** Other ids that identify the same subscription or order (invoices, payment intents, transactions, checkout sessions). */
  refs: string[];
  customer: BillingCustomer | null;
  /** What is bought, when the event says (a snapshot: the latest one wins). */
  items: BillingItem[] | null;
  subscription: BillingSubscriptionSnapshot | null;
  /** payment_succeeded: the end of the period it paid for (ms), when known. */
  paidThrough: number | null;
  /** purchase: a one-time order (no subscription). */
  oneTime: boolean;
}

/** Maps a provider's price/product/variant to what a purchase of it grants. */
export interface BillingMapping {
  /** Matches an item whose priceId, productId or variantId equals this. */
  match: string;
  policyId: string;
  plan: string | null;
  features: string[];
  /** A fixed number of seats (max_activations), or null: the policy's. */
  seats: number | null;
  /** Seats = the item's quantity (times `seats` when set, else the quantity alone). */
  seatsFromQuantity: boolean;
  /** One-time purchases: the license lasts this many days (null: perpetual). */
  termDays: number | null;
}

/** What a connector's facts say the license should be now. */
export interface DesiredLicense {
  mapping: BillingMapping;
  status: "active" | "suspended" | "revoked";
  /** Why it is suspended or revoked, for the audit log and the event log. */
  reason: string | null;
  /** ms since epoch, or null: no end (a perpetual one-time purchase). */
  expiresAt: number | null;
  plan: string | null;
  features: string[];
  /** max_activations, or null: the policy's. */
  seats: number | null;
  customer: BillingCustomer | null;
}

/** The event log's outcomes (GET /v1/billing/events). */
export const BILLING_EVENT_OUTCOMES = ["applied", "ignored", "pending", "failed", "rejected"] as const;
export type BillingEventOutcome = (typeof BILLING_EVENT_OUTCOMES)[number];
