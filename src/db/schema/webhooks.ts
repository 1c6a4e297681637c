// Webhooks: endpoints, the outbox of events, deliveries and their attempts.
import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { DELIVERY_STATUSES, type DeliveryStatus, type EventType } from "../../contract/events";
import { createdAt, oneOf, updatedAt } from "./columns";
import { tenants } from "./tenancy";

/** A tenant's webhook receiver. Signing secrets are stored AES-256-GCM encrypted, never in clear. */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** Subscribed event types; empty = every event. */
    eventTypes: text("event_types").array().notNull().default(sql`'{}'::text[]`),
    enabled: boolean("enabled").notNull().default(true),
    secretCiphertext: text("secret_ciphertext").notNull(),
    /** During a rotation window the previous secret signs too (two signatures per delivery). */
    previousSecretCiphertext: text("previous_secret_ciphertext"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("webhook_endpoints_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** The outbox: one row per event, written in the same transaction as the change it reports. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    /** Also the `webhook-id` header: the same on every retry and every endpoint. */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** The exact JSON body sent: `{ type, timestamp, data }`. */
    payload: text("payload").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_events_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** One event to one endpoint, retried with backoff until a 2xx or the last attempt. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The event's type, kept on the delivery so a list of deliveries says what each one was. */
    eventType: text("event_type").$type<EventType>(),
    status: text("status").$type<DeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt is due; while an attempt runs, the end of its lease. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * Set while an attempt is under way (the end of its lease), cleared when it is recorded: a
     * manual "retry now" claims only a delivery no one else is sending, whatever its schedule.
     */
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastDurationMs: integer("last_duration_ms"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_tenant_idx").on(t.tenantId, t.createdAt),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    // An endpoint's health counts its retrying and failed deliveries: few, beside the delivered ones.
    index("webhook_deliveries_endpoint_open_idx").on(t.endpointId, t.status).where(sql`status <> 'succeeded'`),
    check("webhook_deliveries_status_check", oneOf("status", DELIVERY_STATUSES)),
  ],
);

/** At most this many characters of a receiver's answer are kept with its attempt. */
export const RESPONSE_EXCERPT_CHARS = 2048;

/** Every attempt of a delivery, as recorded. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    /** The delivery's endpoint, kept here so an endpoint's latest attempts are one index read (its health). */
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    /** The start of the receiver's answer (its first 2 KiB, as text), for the console's response viewer. */
    responseExcerpt: text("response_excerpt"),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.deliveryId, t.attempt] }),
    index("webhook_attempts_endpoint_idx").on(t.endpointId, t.attemptedAt),
    // The endpoint's last success, where its current run of failures starts.
    index("webhook_attempts_endpoint_ok_idx").on(t.endpointId, t.attemptedAt).where(sql`status_code BETWEEN 200 AND 299`),
    check("webhook_attempts_response_excerpt_check", sql.raw(`char_length(response_excerpt) <= ${RESPONSE_EXCERPT_CHARS}`)),
  ],
);
