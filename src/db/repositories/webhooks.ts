// Webhooks in Postgres: a tenant's endpoints (secrets sealed, never in clear), the outbox of events
// written in the transaction of the change they report, and the deliveries with every attempt.
import { and, asc, eq, ne, or, type SQL, sql } from "drizzle-orm";
import type { DeliveryStatus, EventType } from "../../contract/events";
import { ID_PREFIXES } from "../../contract/ids";
import type { Database, Queryable, Tx } from "../client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;

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
        claimedUntil: sql<null>`null`.as("claimed_until"),
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
  event_type: EventType | null;
  endpoint_id: string;
  attempts: number;
  payload: string;
  url: string;
  enabled: boolean;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: string | Date | null;
}

/** The claimed rows joined with what sending needs: the event's payload and the endpoint's URL and secrets. */
const withSendingFacts = (claimed: SQL) => sql`
    with claimed as (${claimed})
    select c.*, e.payload, ep.url, ep.enabled, ep.secret_ciphertext, ep.previous_secret_ciphertext, ep.previous_secret_expires_at
      from claimed c
      join webhook_events e on e.id = c.event_id
      join webhook_endpoints ep on ep.id = c.endpoint_id`;

/**
 * Claims up to `limit` due deliveries (optionally only those of some events) in one statement:
 * FOR UPDATE SKIP LOCKED plus a lease (`next_attempt_at` and `claimed_until` moved `leaseS`
 * ahead), so two runs never send the same attempt and a crashed run's claims come due again.
 */
export async function claimDueDeliveries(db: Database, options: { eventIds?: string[]; limit: number; leaseS: number }): Promise<ClaimedDelivery[]> {
  if (options.eventIds?.length === 0) return [];
  const onlyEvents: SQL = options.eventIds
    ? sql`and event_id in (${sql.join(
        options.eventIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const lease = sql`now() + make_interval(secs => ${options.leaseS})`;
  const result = await db.execute(
    withSendingFacts(sql`
      update webhook_deliveries d
         set attempts = d.attempts + 1, next_attempt_at = ${lease}, claimed_until = ${lease}, updated_at = now()
       where d.id in (
         select id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= now() ${onlyEvents}
          order by next_attempt_at
          limit ${options.limit}
          for update skip locked)
      returning d.id, d.tenant_id, d.event_id, d.event_type, d.endpoint_id, d.attempts`),
  );
  return result.rows as unknown as ClaimedDelivery[];
}

/** Why a delivery could not be claimed for an attempt now. */
export type ClaimRefusal = "not_found" | "succeeded" | "in_progress";

/**
 * Claims one of an endpoint's deliveries for an attempt now, whatever its schedule (retry now):
 * pending or failed, and not being sent by anyone else (`claimed_until` unset or past). The
 * conditional update is the claim: a scheduled run that locked the row first wins and this
 * answers `in_progress`; one that comes later finds `next_attempt_at` a lease ahead, not due.
 */
export async function claimDeliveryNow(
  db: Queryable,
  target: { tenantId: string; endpointId: string; deliveryId: string },
  leaseS: number,
): Promise<{ claimed: ClaimedDelivery } | { refused: ClaimRefusal }> {
  const { tenantId, endpointId, deliveryId } = target;
  const lease = sql`now() + make_interval(secs => ${leaseS})`;
  const result = await db.execute(
    withSendingFacts(sql`
      update webhook_deliveries d
         set attempts = d.attempts + 1, next_attempt_at = ${lease}, claimed_until = ${lease}, updated_at = now()
       where d.tenant_id = ${tenantId} and d.endpoint_id = ${endpointId} and d.id = ${deliveryId}
         and d.status <> 'succeeded' and (d.claimed_until is null or d.claimed_until <= now())
      returning d.id, d.tenant_id, d.event_id, d.event_type, d.endpoint_id, d.attempts`),
  );
  const [claimed] = result.rows as unknown as ClaimedDelivery[];
  if (claimed) return { claimed };
  const [row] = await db
    .select({ status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, deliveryId)));
  // Not claimable but still there: delivered, or someone else's attempt is under way.
  return { refused: !row ? "not_found" : row.status === "succeeded" ? "succeeded" : "in_progress" };
}

/**
 * Writes a `webhook.test` event and its one delivery, to this endpoint only, already claimed (its
 * first attempt is sent at once by the caller, and no scheduled run may take it meanwhile).
 */
export async function insertClaimedTestDelivery(
  tx: Tx,
  event: { id: string; tenantId: string; payload: string; createdAt: Date },
  delivery: { id: string; endpointId: string; leaseS: number },
): Promise<WebhookDeliveryRow> {
  await tx.insert(webhookEvents).values({ ...event, type: "webhook.test" });
  const leaseEnd = sql<Date>`now() + make_interval(secs => ${delivery.leaseS})`;
  const [row] = await tx
    .insert(webhookDeliveries)
    .values({
      id: delivery.id,
      tenantId: event.tenantId,
      eventId: event.id,
      endpointId: delivery.endpointId,
      eventType: "webhook.test",
      status: "pending",
      attempts: 1,
      nextAttemptAt: leaseEnd,
      claimedUntil: leaseEnd,
    })
    .returning();
  return row!;
}

/** What one attempt found: the answer's status (null without one), a short error, the time taken, the answer's start. */
export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
}

/** Records one attempt and the delivery's new state (its claim released), together; answers both as stored. */
export async function recordAttempt(
  db: Database,
  delivery: { id: string; endpointId: string },
  attempt: AttemptOutcome,
  next: { status: DeliveryStatus; nextAttemptAt: Date; deliveredAt: Date | null; now: Date },
): Promise<{ attempt: WebhookAttemptRow; delivery: WebhookDeliveryRow }> {
  return db.transaction(async (tx) => {
    const [recorded] = await tx
      .insert(webhookAttempts)
      .values({
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        // Numbered after every earlier attempt: a redelivery restarts `attempts`, not the history.
        attempt: sql`(select coalesce(max(attempt), 0) + 1 from webhook_attempts where delivery_id = ${delivery.id})`,
        statusCode: attempt.statusCode,
        error: attempt.error,
        durationMs: attempt.durationMs,
        responseExcerpt: attempt.responseExcerpt,
      })
      .returning();
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({
        status: next.status,
        nextAttemptAt: next.nextAttemptAt,
        claimedUntil: null,
        lastStatusCode: attempt.statusCode,
        lastError: attempt.error,
        lastDurationMs: attempt.durationMs,
        deliveredAt: next.deliveredAt,
        updatedAt: next.now,
      })
      .where(eq(webhookDeliveries.id, delivery.id))
      .returning();
    return { attempt: recorded!, delivery: updated! };
  });
}

export function listDeliveries(db: Queryable, tenantId: string, endpointId: string, page: PageRequest, filter: { status?: DeliveryStatus }) {
  const where = and(eq(webhookDeliveries.endpointId, endpointId), filter.status ? eq(webhookDeliveries.status, filter.status) : undefined);
  return listPage(db, webhookDeliveries, tenantId, page, where);
}

/**
 * Puts a finished delivery back in the queue with a fresh attempt budget; undefined unless it was
 * finished and no attempt of it is under way (a "retry now" of a failed one may be).
 */
export async function requeueDelivery(db: Queryable, tenantId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const now = new Date();
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now, updatedAt: now })
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.id, id),
        ne(webhookDeliveries.status, "pending"),
        sql`(${webhookDeliveries.claimedUntil} is null or ${webhookDeliveries.claimedUntil} <= now())`,
      ),
    )
    .returning();
  return row;
}

/** One of an endpoint's deliveries with the exact body it sends and every attempt, oldest first. */
export async function getDeliveryWithAttempts(
  db: Queryable,
  target: { tenantId: string; endpointId: string; deliveryId: string },
): Promise<{ delivery: WebhookDeliveryRow; payload: string; attempts: WebhookAttemptRow[] } | undefined> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, payload: webhookEvents.payload })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(
      and(eq(webhookDeliveries.tenantId, target.tenantId), eq(webhookDeliveries.endpointId, target.endpointId), eq(webhookDeliveries.id, target.deliveryId)),
    );
  if (!row) return undefined;
  const attempts = await db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, target.deliveryId)).orderBy(asc(webhookAttempts.attempt));
  return { ...row, attempts };
}

// ---------------------------------------------------------------------------------------------
// Endpoint health

/** What an endpoint's attempts and open deliveries say about it (services/webhooks.ts turns it into a status). */
export interface EndpointHealthRow {
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  /** The first attempt after the endpoint's last 2xx (its first attempt if it never had one); null once a 2xx is the latest. */
  failingSince: Date | null;
  retrying: number;
  failed: number;
}

const asDate = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string | Date));

/**
 * The health facts of a page of endpoints in one statement (no query per endpoint): per endpoint,
 * its latest attempt, the first attempt since its last 2xx (both index reads on
 * webhook_attempts_endpoint_idx / _ok_idx), and its retrying and failed deliveries (counted on the
 * partial index of unfinished deliveries). Endpoints of another tenant are left out.
 */
export async function endpointHealth(db: Queryable, tenantId: string, endpointIds: readonly string[]): Promise<Map<string, EndpointHealthRow>> {
  const health = new Map<string, EndpointHealthRow>();
  if (endpointIds.length === 0) return health;
  const result = await db.execute(sql`
    select ep.id, last.attempted_at as last_attempt_at, last.status_code, last.error,
           case when last.status_code between 200 and 299 then null else streak.attempted_at end as failing_since,
           open.retrying, open.failed
      from webhook_endpoints ep
      left join lateral (
        select a.attempted_at, a.status_code, a.error from webhook_attempts a
         where a.endpoint_id = ep.id order by a.attempted_at desc limit 1) last on true
      left join lateral (
        select a.attempted_at from webhook_attempts a
         where a.endpoint_id = ep.id
           and a.attempted_at > coalesce(
             (select max(s.attempted_at) from webhook_attempts s where s.endpoint_id = ep.id and s.status_code between 200 and 299),
             '-infinity')
         order by a.attempted_at limit 1) streak on true
      cross join lateral (
        select (count(*) filter (where d.status = 'pending' and d.attempts > 0))::int as retrying,
               (count(*) filter (where d.status = 'failed'))::int as failed
          from webhook_deliveries d where d.endpoint_id = ep.id and d.status <> 'succeeded') open
     where ep.tenant_id = ${tenantId} and ep.id in (${sql.join(
       endpointIds.map((id) => sql`${id}`),
       sql`, `,
     )})`);
  for (const r of result.rows as Record<string, unknown>[]) {
    health.set(r.id as string, {
      lastAttemptAt: asDate(r.last_attempt_at),
      lastStatusCode: (r.status_code as number | null) ?? null,
      lastError: (r.error as string | null) ?? null,
      failingSince: asDate(r.failing_since),
      retrying: Number(r.retrying),
      failed: Number(r.failed),
    });
  }
  return health;
}

export async function deliveryExists(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, id)));
  return row !== undefined;
}
