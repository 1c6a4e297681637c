// The audit log in Postgres: append-only (a trigger, migration 0005, refuses UPDATE, DELETE and
// TRUNCATE) and chained per tenant. The chain's hashing is services/audit.ts; this is its storage.
import { and, asc, desc, eq, gt, or, sql } from "drizzle-orm";
import type { Queryable, Tx } from "../client";
import { auditLog } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";

export type AuditRow = typeof auditLog.$inferSelect;

/** An audit row as the chain check reads it: `created_at` as text to the microsecond, in UTC. */
export type StoredAuditRow = Omit<AuditRow, "createdAt"> & { createdAt: string };

/**
 * The newest link of a tenant's chain, under a transaction-scoped advisory lock per tenant that
 * serialises appends, keeping `seq` gapless.
 */
export async function lockChainHead(tx: Tx, tenantId: string): Promise<{ seq: number; hash: string } | undefined> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${tenantId}`}, 0))`);
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.tenantId, tenantId))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return last;
}

export async function insertAuditRow(tx: Tx, row: AuditRow): Promise<void> {
  await tx.insert(auditLog).values(row);
}

const STORED_CREATED_AT = sql<string>`to_char(${auditLog.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Up to `limit` links of the chain after `afterSeq`, in order, as stored. */
export function readChain(db: Queryable, tenantId: string, afterSeq: number, limit: number): Promise<StoredAuditRow[]> {
  return db
    .select({
      tenantId: auditLog.tenantId,
      seq: auditLog.seq,
      id: auditLog.id,
      actor: auditLog.actor,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      requestId: auditLog.requestId,
      details: auditLog.details,
      prevHash: auditLog.prevHash,
      hash: auditLog.hash,
      createdAt: STORED_CREATED_AT,
    })
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), gt(auditLog.seq, afterSeq)))
    .orderBy(asc(auditLog.seq))
    .limit(limit);
}

/** `action` matches itself and the actions under it: `license` finds `license.create`, `license.suspend`, ... */
export const listAuditRows = (db: Queryable, tenantId: string, page: PageRequest, filter: { action?: string } = {}): Promise<Page<AuditRow>> =>
  listPage(
    db,
    auditLog,
    tenantId,
    page,
    filter.action ? or(eq(auditLog.action, filter.action), sql`starts_with(${auditLog.action}, ${`${filter.action}.`})`) : undefined,
  );
