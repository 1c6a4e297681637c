// Webhook events: written to the outbox (with one delivery per subscribed endpoint) inside the
// transaction of the change they report, so an event exists exactly when its change committed.

import { and, eq, or, sql } from "drizzle-orm";
import type { EventType } from "../contract/events";
import { ID_PREFIXES } from "../contract/ids";
import type { Permission } from "../contract/permissions";
import { newId } from "../crypto/random";
import type { Tx } from "../db/queries/activations";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "../db/schema";

/** Writes the event and its pending deliveries; returns the event id (the `webhook-id`). */
export async function recordEvent(tx: Tx, tenantId: string, type: EventType, data: Record<string, unknown>): Promise<string> {
  const id = newId("msg");
  const timestamp = new Date();
  const payload = JSON.stringify({ type, timestamp: timestamp.toISOString(), data });
  await tx.insert(webhookEvents).values({ id, tenantId, type, payload, createdAt: timestamp });
  // One statement: a delivery for every enabled endpoint of the tenant subscribed to this type.
  await tx.insert(webhookDeliveries).select(
    tx
      .select({
        id: sql<string>`${`${ID_PREFIXES.webhookDelivery}_`} || replace(gen_random_uuid()::text, '-', '')`.as("id"),
        tenantId: webhookEndpoints.tenantId,
        eventId: sql<string>`${id}`.as("event_id"),
        endpointId: webhookEndpoints.id,
        status: sql<"pending">`'pending'`.as("status"),
        attempts: sql<number>`0`.as("attempts"),
        nextAttemptAt: sql<Date>`now()`.as("next_attempt_at"),
        lastStatusCode: sql<null>`null`.as("last_status_code"),
        lastError: sql<null>`null`.as("last_error"),
        lastDurationMs: sql<null>`null`.as("last_duration_ms"),
        deliveredAt: sql<null>`null`.as("delivered_at"),
        createdAt: sql<Date>`now()`.as("created_at"),
        updatedAt: sql<Date>`now()`.as("updated_at"),
      })
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.tenantId, tenantId),
          eq(webhookEndpoints.enabled, true),
          or(sql`cardinality(${webhookEndpoints.eventTypes}) = 0`, sql`${type} = any(${webhookEndpoints.eventTypes})`),
        ),
      ),
  );
  return id;
}
