// Webhook endpoints and deliveries on the wire. The signing secret appears only when created or rotated.
import { z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../contract/events";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "../db/repositories/webhooks";
import { Timestamp } from "./common";

export const EventTypes = z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).openapi({ description: "Subscribed event types; empty = all" });

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    event_types: EventTypes,
    enabled: z.boolean(),
    secret_rotation_ends_at: Timestamp.nullable().openapi({ description: "Until then deliveries carry the old and the new signature" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("WebhookEndpoint");

export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  secret: z.string().openapi({ description: "The `whsec_` signing secret. Shown once." }),
}).openapi("WebhookEndpointWithSecret");

export const webhookEndpointBody = (row: WebhookEndpointRow) => ({
  id: row.id,
  url: row.url,
  event_types: row.eventTypes as (typeof EVENT_TYPES)[number][],
  enabled: row.enabled,
  secret_rotation_ends_at: row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > Date.now() ? row.previousSecretExpiresAt.toISOString() : null,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const WebhookDelivery = z
  .object({
    id: z.string(),
    event_id: z.string().openapi({ description: "The `webhook-id` header of every attempt" }),
    event_type: z.string().nullable().openapi({ description: "What the event was (`license.revoked`, ...)" }),
    endpoint_id: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
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
