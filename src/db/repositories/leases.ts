// Floating seats. Every change that counts seats runs in a transaction that first locks the
// license row (as activations do), so the seat count read here is exact under any concurrency; a
// heartbeat, which only extends its own lease, is one conditional statement over HTTP instead.
// "Live" is always `released_at IS NULL AND expires_at > now`, with `now` from the caller: a lease
// past its TTL holds nothing, whether or not the cron has announced it.
import { and, asc, count, countDistinct, eq, gt, isNull, lte, min, type SQL } from "drizzle-orm";
import type { Queryable, RowsFn, Tx } from "../client";
import { leases } from "../schema";
import { compact } from "./columns";
import { listPage, type PageRequest } from "./pagination";

export type LeaseRow = typeof leases.$inferSelect;

const live = (now: Date): SQL => and(isNull(leases.releasedAt), gt(leases.expiresAt, now))!;

export async function findLiveLeaseOfInstance(tx: Tx, licenseId: string, instanceId: string, now: Date): Promise<LeaseRow | undefined> {
  const [row] = await tx
    .select()
    .from(leases)
    .where(and(eq(leases.licenseId, licenseId), eq(leases.instanceId, instanceId), live(now)))
    .limit(1);
  return row;
}

/** Seats in use: live leases (`per_license`), or users holding one (`per_user`); and when the first one ends. */
export async function seatsInUse(tx: Tx, licenseId: string, perUser: boolean, now: Date): Promise<{ inUse: number; firstExpiry: Date | null }> {
  const [row] = await tx
    .select({ leases: count(), users: countDistinct(leases.userId), first: min(leases.expiresAt) })
    .from(leases)
    .where(and(eq(leases.licenseId, licenseId), live(now)));
  return { inUse: (perUser ? row?.users : row?.leases) ?? 0, firstExpiry: row?.first ? new Date(row.first) : null };
}

export async function userHoldsLease(tx: Tx, licenseId: string, userId: string, now: Date): Promise<boolean> {
  const [row] = await tx
    .select({ id: leases.id })
    .from(leases)
    .where(and(eq(leases.licenseId, licenseId), eq(leases.userId, userId), live(now)))
    .limit(1);
  return row !== undefined;
}

export async function insertLease(tx: Tx, values: typeof leases.$inferInsert): Promise<LeaseRow> {
  const [row] = await tx.insert(leases).values(values).returning();
  return row!;
}

export async function getLease(db: Queryable, licenseId: string, leaseId: string): Promise<LeaseRow | undefined> {
  const [row] = await db
    .select()
    .from(leases)
    .where(and(eq(leases.licenseId, licenseId), eq(leases.id, leaseId)));
  return row;
}

/** A live lease's new end (a heartbeat, or a borrow until `expiresAt`). */
export async function extendLease(tx: Tx, id: string, values: { expiresAt: Date; lastHeartbeatAt?: Date; borrowedUntil?: Date }): Promise<LeaseRow> {
  const [row] = await tx.update(leases).set(values).where(eq(leases.id, id)).returning();
  return row!;
}

/** Ends a live lease now; undefined when it had already ended. */
export async function releaseLease(tx: Tx, id: string, now: Date): Promise<LeaseRow | undefined> {
  const [row] = await tx
    .update(leases)
    .set({ releasedAt: now })
    .where(and(eq(leases.id, id), live(now)))
    .returning();
  return row;
}

export function listLeases(db: Queryable, tenantId: string, licenseId: string, page: PageRequest, options: { includeEnded: boolean; now: Date }) {
  return listPage(db, leases, tenantId, page, and(eq(leases.licenseId, licenseId), options.includeEnded ? undefined : live(options.now)));
}

/** Leases that ran out without a release and were not announced yet, locked for this run. */
export async function lockUnannouncedLeaseExpiries(tx: Tx, now: Date, limit: number): Promise<LeaseRow[]> {
  return tx
    .select()
    .from(leases)
    .where(and(isNull(leases.releasedAt), lte(leases.expiresAt, now), isNull(leases.expiryNotifiedAt)))
    .orderBy(asc(leases.expiresAt))
    .limit(limit)
    .for("update", { skipLocked: true });
}

export async function markLeaseExpiryAnnounced(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.update(leases).set({ expiryNotifiedAt: now }).where(eq(leases.id, id));
}

const LEASE_RETURNING =
  "id, tenant_id, license_id, instance_id, user_id, expires_at, last_heartbeat_at, borrowed_until, released_at, expiry_notified_at, created_at";
const EXTEND_LIVE = compact(`update leases set expires_at = $2, last_heartbeat_at = $3
   where id = $1 and released_at is null and expires_at > $3 and borrowed_until is null
   returning ${LEASE_RETURNING}`);

const at = (v: unknown) => (v === null ? null : new Date(v as string));

/**
 * A heartbeat's one write, over the HTTP path: extends the lease only while it is live and not
 * borrowed, so a release, expiry or borrow that happened since the read wins. Undefined then.
 */
export async function extendLiveLease(rows: RowsFn, id: string, values: { expiresAt: Date; lastHeartbeatAt: Date }): Promise<LeaseRow | undefined> {
  const [r] = await rows(EXTEND_LIVE, [id, values.expiresAt, values.lastHeartbeatAt]);
  if (!r) return undefined;
  return {
    id: r[0] as string,
    tenantId: r[1] as string,
    licenseId: r[2] as string,
    instanceId: r[3] as string,
    userId: r[4] as string | null,
    expiresAt: at(r[5])!,
    lastHeartbeatAt: at(r[6])!,
    borrowedUntil: at(r[7]),
    releasedAt: at(r[8]),
    expiryNotifiedAt: at(r[9]),
    createdAt: at(r[10])!,
  };
}
