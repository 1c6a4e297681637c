// Webhooks in Postgres: a tenant's endpoints (secrets sealed, never in clear), the outbox of events
// written in the transaction of the change they report, and the deliveries with every attempt.
import { and, eq, ne, or, type SQL, sql } from "drizzle-orm";
import type { DeliveryStatus, EventType } from "../../contract/events";
import { ID_PREFIXES } from "../../contract/ids";
import type { Database, Queryable, Tx } from "../client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Endpoints

/** A tenant's endpoint; with `lock`, row-locked for the rest of the transaction (changes serialise on it). */
export async function getWebhookEndpoint(
  db: Queryable,
  tenantId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<WebhookEndpointRow | undefined> {
  const query = db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)));
  const [row] = options.lock ? await query.for("update") : await query;
  return row;
}

export async function insertWebhookEndpoint(db: Queryable, values: typeof webhookEndpoints.$inferInsert): Promise<WebhookEndpointRow> {
  const [row] = await db.insert(webhookEndpoints).values(values).returning();
  return row!;
}

export async function updateWebhookEndpoint(
  db: Queryable,
  tenantId: string,
  id: string,
  values: Partial<typeof webhookEndpoints.$inferInsert>,
): Promise<WebhookEndpointRow | undefined> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)))
    .returning();
  return row;
}

export async function deleteWebhookEndpoint(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  return deleted.length > 0;
}

export const listWebhookEndpoints = (db: Queryable, tenantId: string, page: PageRequest): Promise<Page<WebhookEndpointRow>> =>
  listPage(db, webhookEndpoints, tenantId, page);

// ---------------------------------------------------------------------------------------------
// The outbox

/** Writes an event and, in the same statement set, a pending delivery for every subscribed enabled endpoint. */
export async function insertEvent(tx: Tx, event: { id: string; tenantId: string; type: EventType; payload: string; createdAt: Date }): Promise<void> {
  await tx.insert(webhookEvents).values(event);
  await tx.insert(webhookDeliveries).select(
    tx
      .select({
        id: sql<string>`${`${ID_PREFIXES.webhookDelivery}_`} || replace(gen_random_uuid()::text, '-', '')`.as("id"),
        tenantId: webhookEndpoints.tenantId,
        eventId: sql<string>`${event.id}`.as("event_id"),
        endpointId: webhookEndpoints.id,
        eventType: sql<EventType>`${event.type}`.as("event_type"),
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
          eq(webhookEndpoints.tenantId, event.tenantId),
          eq(webhookEndpoints.enabled, true),
          or(sql`cardinality(${webhookEndpoints.eventTypes}) = 0`, sql`${event.type} = any(${webhookEndpoints.eventTypes})`),
        ),
      ),
  );
}

// ---------------------------------------------------------------------------------------------
// Deliveries

/** A claimed delivery with what sending it needs: the event's payload and the endpoint. */
export interface ClaimedDelivery {
  id: string;
  tenant_id: string;
  event_id: string;
  endpoint_id: string;
  attempts: number;
  payload: string;
  url: string;
  enabled: boolean;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: string | Date | null;
}

/**
 * Claims up to `limit` due deliveries (optionally only those of some events) in one statement:
 * FOR UPDATE SKIP LOCKED plus a lease (`next_attempt_at` moved `leaseS` ahead), so two runs never
 * send the same attempt and a crashed run's claims come due again.
 */
export async function claimDueDeliveries(db: Database, options: { eventIds?: string[]; limit: number; leaseS: number }): Promise<ClaimedDelivery[]> {
  if (options.eventIds?.length === 0) return [];
  const onlyEvents: SQL = options.eventIds
    ? sql`and event_id in (${sql.join(
        options.eventIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const result = await db.execute(sql`
    with claimed as (
      update webhook_deliveries d
         set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${options.leaseS}), updated_at = now()
       where d.id in (
         select id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= now() ${onlyEvents}
          order by next_attempt_at
          limit ${options.limit}
          for update skip locked)
      returning d.id, d.tenant_id, d.event_id, d.endpoint_id, d.attempts)
    select c.*, e.payload, ep.url, ep.enabled, ep.secret_ciphertext, ep.previous_secret_ciphertext, ep.previous_secret_expires_at
      from claimed c
      join webhook_events e on e.id = c.event_id
      join webhook_endpoints ep on ep.id = c.endpoint_id`);
  return result.rows as unknown as ClaimedDelivery[];
}

/** Records one attempt and the delivery's new state, together. */
export async function recordAttempt(
  db: Database,
  deliveryId: string,
  attempt: { statusCode: number | null; error: string | null; durationMs: number },
  next: { status: DeliveryStatus; nextAttemptAt: Date; deliveredAt: Date | null; now: Date },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({
      deliveryId,
      // Numbered after every earlier attempt: a redelivery restarts `attempts`, not the history.
      attempt: sql`(select coalesce(max(attempt), 0) + 1 from webhook_attempts where delivery_id = ${deliveryId})`,
      statusCode: attempt.statusCode,
      error: attempt.error,
      durationMs: attempt.durationMs,
    });
    await tx
      .update(webhookDeliveries)
      .set({
        status: next.status,
        nextAttemptAt: next.nextAttemptAt,
        lastStatusCode: attempt.statusCode,
        lastError: attempt.error,
        lastDurationMs: attempt.durationMs,
        deliveredAt: next.deliveredAt,
        updatedAt: next.now,
      })
      .where(eq(webhookDeliveries.id, deliveryId));
  });
}

export function listDeliveries(db: Queryable, tenantId: string, endpointId: string, page: PageRequest, filter: { status?: DeliveryStatus }) {
  const where = and(eq(webhookDeliveries.endpointId, endpointId), filter.status ? eq(webhookDeliveries.status, filter.status) : undefined);
  return listPage(db, webhookDeliveries, tenantId, page, where);
}

/** Puts a finished delivery back in the queue with a fresh attempt budget; undefined unless it was finished. */
export async function requeueDelivery(db: Queryable, tenantId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const now = new Date();
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now, updatedAt: now })
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, id), ne(webhookDeliveries.status, "pending")))
    .returning();
  return row;
}

export async function deliveryExists(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, id)));
  return row !== undefined;
}
