// What the provider normalisers share: the one error they throw, what they are told about a
// delivery, and bounded schema helpers and fact builders (services/billing/providers/index.ts picks
// the normaliser; this module imports none of them, so nothing here forms an import cycle).
import { z } from "zod";
import type { BillingCustomer, BillingFact, BillingFactKind, BillingProvider } from "../../../contract/billing";

/**
 * The payload is not a shape this provider sends. Callers answer 400: the body is signed, so a
 * retry of the same body cannot succeed, and the short message is safe to return.
 *
 * @example
 * try { normalizeFact("stripe", body, meta) } catch (err) { if (err instanceof MalformedBillingEvent) ... }
 */
export class MalformedBillingEvent extends Error {
  static readonly code = "ERR_MALFORMED_BILLING_EVENT";
  readonly code = MalformedBillingEvent.code;

  constructor(message: string) {
    super(message);
    this.name = "MalformedBillingEvent";
  }
}

export interface NormalizeMeta {
  /** Required where the payload carries none: Polar's webhook-id header, a hash of a Lemon Squeezy body. */
  eventId?: string;
  /** The event-name header, when the provider sends one (Lemon Squeezy's X-Event-Name). */
  eventName?: string;
  /** Arrival time (ms): only ever the time of an ignored event that names no time of its own. */
  receivedAt: number;
}

export type Normalizer = (payload: unknown, meta: NormalizeMeta) => BillingFact;

/** A value built on first use (schemas are built on first use, not at module load). */
export function lazy<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

/** A provider id. Bounded so a hostile body cannot make us store megabytes per fact. */
export function idSchema() {
  return z.string().min(1).max(255);
}

/** Lemon Squeezy sends numeric ids: kept as strings so keys and mappings compare as text. */
export function numericIdSchema() {
  return z.union([z.string().min(1).max(64), z.int().min(0)]).transform(String);
}

export function emailSchema() {
  return z.string().max(512).nullish();
}

export function nameSchema() {
  return z.string().max(1024).nullish();
}

export function quantitySchema() {
  return z.int().min(0).max(1_000_000);
}

/** Seconds since the epoch (Stripe), as ms. */
export function unixSecondsSchema() {
  return z
    .int()
    .min(0)
    .max(100_000_000_000)
    .transform((s) => s * 1000);
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 date-time (Paddle sends nanoseconds, Polar "+00:00"), as ms. */
export function isoTimeSchema() {
  return z
    .string()
    .max(40)
    .regex(ISO_DATETIME)
    .transform((s, ctx) => {
      const ms = Date.parse(s);
      if (!Number.isFinite(ms)) {
        ctx.addIssue({ code: "custom", message: "Invalid date-time." });
        return z.NEVER;
      }
      return ms;
    });
}

/** Arrays are capped: no real subscription has more lines, and a cap bounds the work per event. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.array(item).max(100);
}

/** Parses or throws MalformedBillingEvent naming the first bad field (never its value). */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const message = `${what}: ${path ? `${path}: ` : ""}${issue?.message ?? "invalid"}`;
  throw new MalformedBillingEvent(message.slice(0, 200));
}

export function requireEventId(fromPayload: string | undefined, meta: NormalizeMeta, provider: BillingProvider): string {
  const eventId = fromPayload ?? meta.eventId;
  if (!eventId) throw new MalformedBillingEvent(`${provider}: no event id.`);
  if (eventId.length > 255) throw new MalformedBillingEvent(`${provider}: event id too long.`);
  return eventId;
}

/** What every fact of one event shares. */
export interface FactHead {
  provider: BillingProvider;
  eventId: string;
  eventType: string;
  occurredAt: number;
}

type FactFields = Partial<Pick<BillingFact, "key" | "customer" | "items" | "subscription" | "paidThrough" | "oneTime">> & {
  refs?: readonly (string | null | undefined)[];
};

/** Refs are a set: sorted and deduplicated so two normalisations of one event are equal facts. */
function refSet(refs: readonly (string | null | undefined)[] | undefined): string[] {
  return [...new Set((refs ?? []).filter((r): r is string => typeof r === "string" && r.length > 0))].sort();
}

export function makeFact(head: FactHead, kind: Exclude<BillingFactKind, "ignored">, fields: FactFields): BillingFact {
  return {
    ...head,
    kind,
    key: fields.key ?? null,
    refs: refSet(fields.refs),
    customer: fields.customer ?? null,
    items: fields.items ?? null,
    subscription: fields.subscription ?? null,
    paidThrough: fields.paidThrough ?? null,
    oneTime: fields.oneTime ?? false,
  };
}

/**
 * A well-formed event that changes nothing. It keeps the ids it names, so it still links facts
 * (a Stripe invoice_payment ties an invoice to the payment a refund names).
 */
export function ignoredFact(head: FactHead, reason: string, link: { key?: string | null; refs?: readonly (string | null | undefined)[] } = {}): BillingFact {
  return {
    ...head,
    kind: "ignored",
    ignoredReason: reason,
    key: link.key ?? null,
    refs: refSet(link.refs),
    customer: null,
    items: null,
    subscription: null,
    paidThrough: null,
    oneTime: false,
  };
}

export function customerOf(externalId: string | null | undefined, email: string | null | undefined, name: string | null | undefined): BillingCustomer | null {
  const customer = { externalId: externalId || null, email: email || null, name: name || null };
  return customer.externalId || customer.email || customer.name ? customer : null;
}

/** The latest of some times (ms), or null. */
export function maxTime(times: readonly (number | null | undefined)[]): number | null {
  let max: number | null = null;
  for (const t of times) if (typeof t === "number" && (max === null || t > max)) max = t;
  return max;
}
