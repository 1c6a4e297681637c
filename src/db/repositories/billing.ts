// Billing connectors in Postgres: connectors (secrets sealed), the event log, and the links from a
// subscription's or order's ids to its license. Applying an event runs under a per-connector
// transaction lock (lockConnectorApply), so two deliveries never fold the same group from
// different snapshots: the last writer always saw every fact committed before it.
import { and, eq, inArray, isNotNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { BillingEventOutcome, BillingFact } from "../../contract/billing";
import type { PlanTier } from "../../contract/tokens";
import type { Queryable, Tx } from "../client";
import { billingConnectors, billingEvents, billingLinks, tenants } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";

export type BillingConnectorRow = typeof billingConnectors.$inferSelect;
export type BillingEventRow = typeof billingEvents.$inferSelect;

export async function getBillingConnector(db: Queryable, tenantId: string, id: string): Promise<BillingConnectorRow | undefined> {
  const [row] = await db
    .select()
    .from(billingConnectors)
    .where(and(eq(billingConnectors.tenantId, tenantId), eq(billingConnectors.id, id)));
  return row;
}

/** The public endpoint's lookup: the connector id is all a provider's delivery names; its tenant's tier comes in the same query. */
export async function findBillingConnector(db: Queryable, id: string): Promise<(BillingConnectorRow & { planTier: PlanTier }) | undefined> {
  const [row] = await db
    .select({ connector: billingConnectors, planTier: tenants.planTier })
    .from(billingConnectors)
    .innerJoin(tenants, eq(tenants.id, billingConnectors.tenantId))
    .where(eq(billingConnectors.id, id));
  return row ? { ...row.connector, planTier: row.planTier } : undefined;
}

export async function insertBillingConnector(tx: Queryable, values: typeof billingConnectors.$inferInsert): Promise<BillingConnectorRow> {
  const [row] = await tx.insert(billingConnectors).values(values).returning();
  return row!;
}

export async function updateBillingConnector(
  tx: Queryable,
  tenantId: string,
  id: string,
  values: Partial<typeof billingConnectors.$inferInsert>,
): Promise<BillingConnectorRow | undefined> {
  const [row] = await tx
    .update(billingConnectors)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(billingConnectors.tenantId, tenantId), eq(billingConnectors.id, id)))
    .returning();
  return row;
}

export async function deleteBillingConnector(tx: Queryable, tenantId: string, id: string): Promise<BillingConnectorRow | undefined> {
  const [row] = await tx
    .delete(billingConnectors)
    .where(and(eq(billingConnectors.tenantId, tenantId), eq(billingConnectors.id, id)))
    .returning();
  return row;
}

export const listBillingConnectors = (db: Queryable, tenantId: string, page: PageRequest): Promise<Page<BillingConnectorRow>> =>
  listPage(db, billingConnectors, tenantId, page);

/** Serialises every application of a connector's events (a transaction-scoped advisory lock). */
export async function lockConnectorApply(tx: Tx, connectorId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`billing:${connectorId}`}, 0))`);
}

/** The logged delivery of a provider event id, if one was stored (a retry or a duplicate). */
export async function findBillingEvent(db: Queryable, connectorId: string, providerEventId: string): Promise<BillingEventRow | undefined> {
  const [row] = await db
    .select()
    .from(billingEvents)
    .where(and(eq(billingEvents.connectorId, connectorId), eq(billingEvents.providerEventId, providerEventId)));
  return row;
}

export async function insertBillingEvent(db: Queryable, values: typeof billingEvents.$inferInsert): Promise<BillingEventRow> {
  const [row] = await db.insert(billingEvents).values(values).returning();
  return row!;
}

export async function deleteBillingEvent(db: Queryable, id: string): Promise<void> {
  await db.delete(billingEvents).where(eq(billingEvents.id, id));
}

/** Logs a delivery that could not be applied (outside the rolled-back transaction), replacing an earlier failure of the same event. */
export async function recordFailedBillingEvent(db: Queryable, values: typeof billingEvents.$inferInsert): Promise<void> {
  await db
    .insert(billingEvents)
    .values({ ...values, outcome: "failed" })
    .onConflictDoUpdate({
      target: [billingEvents.connectorId, billingEvents.providerEventId],
      set: { outcome: "failed", reason: values.reason, createdAt: new Date() },
    });
}

export async function setBillingEventOutcome(
  db: Queryable,
  ids: string[],
  values: { outcome: BillingEventOutcome; reason: string | null; licenseId?: string | null },
): Promise<void> {
  if (ids.length === 0) return;
  await db.update(billingEvents).set(values).where(inArray(billingEvents.id, ids));
}

/** At most this many ids in a linked group, and this many hops: a group is a purchase's history, not a graph to walk. */
const MAX_GROUP_IDS = 500;
const MAX_HOPS = 4;

/**
 * Every stored fact linked to these ids (the same key, or a shared ref), followed a few hops: an
 * unkeyed refund names a payment intent, which an invoice of the subscription names too. Rejected
 * deliveries hold no fact and take no part.
 */
export async function linkedFacts(tx: Tx, connectorId: string, ids: string[]): Promise<BillingEventRow[]> {
  const seen = new Set(ids);
  let rows: BillingEventRow[] = [];
  for (let hop = 0; hop < MAX_HOPS && seen.size <= MAX_GROUP_IDS; hop++) {
    const list = [...seen];
    rows = await tx
      .select()
      .from(billingEvents)
      .where(
        and(
          eq(billingEvents.connectorId, connectorId),
          isNotNull(billingEvents.fact),
          or(
            inArray(billingEvents.key, list),
            sql`${billingEvents.refs} && array[${sql.join(
              list.map((id) => sql`${id}`),
              sql`, `,
            )}]::text[]`,
          ),
        ),
      );
    const before = seen.size;
    for (const row of rows) {
      if (row.key) seen.add(row.key);
      for (const ref of row.refs) seen.add(ref);
    }
    if (seen.size === before) break;
  }
  return rows;
}

/** The license any of a group's keys already points at (the oldest link wins, deterministically). */
export async function linkedLicense(tx: Tx, connectorId: string, keys: string[]): Promise<string | null> {
  if (keys.length === 0) return null;
  const [row] = await tx
    .select({ licenseId: billingLinks.licenseId })
    .from(billingLinks)
    .where(and(eq(billingLinks.connectorId, connectorId), inArray(billingLinks.key, keys), isNotNull(billingLinks.licenseId)))
    .orderBy(billingLinks.updatedAt, billingLinks.key)
    .limit(1);
  return row?.licenseId ?? null;
}

/** Points every key of a group at its license, with when to look again (a dunning grace ending). */
export async function linkKeys(tx: Tx, input: { connectorId: string; tenantId: string; keys: string[]; licenseId: string | null; recheckAt: Date | null }) {
  for (const key of input.keys) {
    await tx
      .insert(billingLinks)
      .values({ connectorId: input.connectorId, tenantId: input.tenantId, key, licenseId: input.licenseId, recheckAt: input.recheckAt })
      .onConflictDoUpdate({
        target: [billingLinks.connectorId, billingLinks.key],
        set: { licenseId: sql`coalesce(${billingLinks.licenseId}, excluded.license_id)`, recheckAt: input.recheckAt, updatedAt: new Date() },
      });
  }
}

/** Groups whose dunning grace has ended: the sweep applies them again. */
export async function dueRechecks(db: Queryable, now: Date, limit: number): Promise<{ connectorId: string; tenantId: string; key: string }[]> {
  return db
    .select({ connectorId: billingLinks.connectorId, tenantId: billingLinks.tenantId, key: billingLinks.key })
    .from(billingLinks)
    .where(lte(billingLinks.recheckAt, now))
    .orderBy(billingLinks.recheckAt)
    .limit(limit);
}

export function listBillingEvents(
  db: Queryable,
  tenantId: string,
  page: PageRequest,
  filter: { connectorId?: string; outcome?: BillingEventOutcome; licenseId?: string },
): Promise<Page<BillingEventRow>> {
  const where: (SQL | undefined)[] = [
    filter.connectorId ? eq(billingEvents.connectorId, filter.connectorId) : undefined,
    filter.outcome ? eq(billingEvents.outcome, filter.outcome) : undefined,
    filter.licenseId ? eq(billingEvents.licenseId, filter.licenseId) : undefined,
  ];
  return listPage(db, billingEvents, tenantId, page, and(...where));
}

/** How long a refused delivery's log line is kept: long enough to debug a setup, not a store anyone can fill. */
export const REJECTED_RETENTION_DAYS = 30;

/** Drops refused deliveries' log lines past their retention (applied, ignored, pending and failed ones are history and stay). */
export async function sweepRejectedBillingEvents(db: Queryable, now: Date): Promise<number> {
  const gone = await db
    .delete(billingEvents)
    .where(and(eq(billingEvents.outcome, "rejected"), lte(billingEvents.createdAt, new Date(now.getTime() - REJECTED_RETENTION_DAYS * 86_400_000))))
    .returning({ id: billingEvents.id });
  return gone.length;
}

/** A fact as stored (jsonb), typed. */
export const storedFact = (row: BillingEventRow): BillingFact => row.fact as BillingFact;
