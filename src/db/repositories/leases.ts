// Floating seats. Every change to a license's leases runs in a transaction that first locks the
// license row (as activations do), so the seat count read here is exact under any concurrency.
// "Live" is always `released_at IS NULL AND expires_at > now`, with `now` from the caller: a lease
// past its TTL holds nothing, whether or not the cron has announced it.
import { and, asc, count, countDistinct, eq, gt, isNull, lte, min, type SQL } from "drizzle-orm";
import type { Queryable, Tx } from "../client";
import { leases } from "../schema";
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
