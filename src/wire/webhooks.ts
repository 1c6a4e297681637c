// Webhook endpoints and deliveries on the wire. The signing secret appears only when created or
// rotated. Every endpoint carries its health; a delivery's detail carries the exact body it sends
// and each attempt with the start of the receiver's answer.
import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES, EVENT_TYPES } from "../contract/events";
import type { WebhookAttemptRow, WebhookDeliveryRow } from "../db/repositories/webhooks";
import type { AttemptMade, EndpointHealth, EndpointWithHealth } from "../services/webhooks";
import { Timestamp } from "./common";

export const EventTypes = z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).openapi({ description: "Subscribed event types; empty = all" });

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const WebhookEndpointHealth = z
  .object({
    status: z.enum(["healthy", "failing", "unknown"]).openapi({
      description:
        "`failing` when the endpoint's most recent attempt (of any of its deliveries) got no 2xx: an error status, a redirect, a timeout, a network error or a refusal at send; `healthy` when it got a 2xx; `unknown` before any attempt",
    }),
    last_attempt_at: Timestamp.nullable().openapi({ description: "When the most recent attempt was recorded" }),
    last_response_status: z.number().int().nullable().openapi({ description: "Its HTTP status; null when no answer came (network error, timeout, refused)" }),
    last_error: z.string().nullable().openapi({ description: "Why it failed, in a few words (`HTTP 500`, `timed out after 10000 ms`); null on success" }),
    failing_since: Timestamp.nullable().openapi({ description: "The first attempt after the last 2xx; null unless failing" }),
    retrying: z.number().int().openapi({ description: "Deliveries that failed at least once and will be attempted again" }),
    failed: z.number().int().openapi({ description: "Deliveries that used every attempt (redeliver or retry them)" }),
  })
  .openapi("WebhookEndpointHealth");

const healthBody = (h: EndpointHealth) => ({
  status: h.status,
  last_attempt_at: iso(h.lastAttemptAt),
  last_response_status: h.lastStatusCode,
  last_error: h.lastError,
  failing_since: h.status === "failing" ? iso(h.failingSince) : null,
  retrying: h.retrying,
  failed: h.failed,
});

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    event_types: EventTypes,
    enabled: z.boolean(),
    secret_rotation_ends_at: Timestamp.nullable().openapi({ description: "Until then deliveries carry the old and the new signature" }),
    health: WebhookEndpointHealth,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("WebhookEndpoint");

export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  secret: z.string().openapi({ description: "The `whsec_` signing secret. Shown once." }),
}).openapi("WebhookEndpointWithSecret");

export const webhookEndpointBody = (row: EndpointWithHealth) => ({
  id: row.id,
  url: row.url,
  event_types: row.eventTypes as (typeof EVENT_TYPES)[number][],
  enabled: row.enabled,
  secret_rotation_ends_at: row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > Date.now() ? row.previousSecretExpiresAt.toISOString() : null,
  health: healthBody(row.health),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const WebhookDelivery = z
  .object({
    id: z.string(),
    event_id: z.string().openapi({ description: "The `webhook-id` header of every attempt" }),
    event_type: z.string().nullable().openapi({ description: "What the event was (`license.revoked`, ...)" }),
    endpoint_id: z.string(),
    status: z.enum(DELIVERY_STATUSES).openapi({ description: "`pending` (not yet attempted, or retrying), `succeeded`, or `failed` (every attempt used)" }),
    attempts: z.number().int(),
    next_attempt_at: Timestamp.nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_duration_ms: z.number().int().nullable(),
    delivered_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("WebhookDelivery");

export const webhookDeliveryBody = (row: WebhookDeliveryRow) => ({
  id: row.id,
  event_id: row.eventId,
  event_type: row.eventType,
  endpoint_id: row.endpointId,
  status: row.status,
  attempts: row.attempts,
  next_attempt_at: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
  last_status_code: row.lastStatusCode,
  last_error: row.lastError,
  last_duration_ms: row.lastDurationMs,
  delivered_at: row.deliveredAt?.toISOString() ?? null,
  created_at: row.createdAt.toISOString(),
});

export const WebhookAttempt = z
  .object({
    attempt: z.number().int().openapi({ description: "1 for the first attempt; numbered on across redeliveries" }),
    attempted_at: Timestamp.openapi({ description: "When the attempt was recorded (its answer had come, or it had failed)" }),
    duration_ms: z.number().int(),
    status_code: z.number().int().nullable().openapi({ description: "The receiver's HTTP status; null when no answer came" }),
    error: z.string().nullable().openapi({ description: "Why it failed, in a few words; null on a 2xx" }),
    response_excerpt: z.string().nullable().openapi({ description: "The start of the receiver's answer: at most its first 2 KiB, as text" }),
  })
  .openapi("WebhookAttempt");

export const webhookAttemptBody = (row: WebhookAttemptRow) => ({
  attempt: row.attempt,
  attempted_at: row.attemptedAt.toISOString(),
  duration_ms: row.durationMs,
  status_code: row.statusCode,
  error: row.error,
  response_excerpt: row.responseExcerpt,
});

export const WebhookDeliveryDetail = WebhookDelivery.extend({
  payload: z.string().openapi({ description: "The exact body every attempt sends (JSON `{ type, timestamp, data }`), byte for byte as signed" }),
  attempt_history: z.array(WebhookAttempt).openapi({ description: "Every attempt, oldest first" }),
}).openapi("WebhookDeliveryDetail");

export const webhookDeliveryDetailBody = (found: { delivery: WebhookDeliveryRow; payload: string; attempts: WebhookAttemptRow[] }) => ({
  ...webhookDeliveryBody(found.delivery),
  payload: found.payload,
  attempt_history: found.attempts.map(webhookAttemptBody),
});

export const WebhookAttemptResult = z
  .object({
    succeeded: z.boolean().openapi({ description: "The receiver answered 2xx" }),
    attempt: WebhookAttempt,
    // The delivery as it is after the attempt: delivered, its next retry, or failed.
    delivery: WebhookDelivery,
  })
  .openapi("WebhookAttemptResult");

export const webhookAttemptResultBody = (made: AttemptMade) => ({
  succeeded: made.attempt.statusCode !== null && made.attempt.statusCode >= 200 && made.attempt.statusCode < 300,
  attempt: webhookAttemptBody(made.attempt),
  delivery: webhookDeliveryBody(made.delivery),
});
