// Seat accounting. Every change to a license's activations runs in a transaction that first locks
// the license row (SELECT ... FOR UPDATE), so concurrent activations of one license queue up and
// each sees the previous one's seat: the limit is exact under any concurrency.
import { and, count, eq, gt, isNull, lt } from "drizzle-orm";
import type { DeactivationReason } from "../../contract/licenses";
import type { Queryable, Tx } from "../client";
import { activations, dpopProofs, idempotencyKeys, licenses } from "../schema";
import { listPage, type PageRequest } from "./pagination";

export async function findLiveActivation(tx: Tx, licenseId: string, fingerprint: string) {
  const [row] = await tx
    .select()
    .from(activations)
    .where(and(eq(activations.licenseId, licenseId), eq(activations.fingerprint, fingerprint), isNull(activations.deactivatedAt)))
    .limit(1);
  return row;
}

/** Releases live activations whose heartbeat is strictly older than `deadBefore` (as `heartbeatDead` judges). */
export async function releaseDeadActivations(tx: Tx, licenseId: string, deadBefore: Date, now: Date) {
  return tx
    .update(activations)
    .set({ deactivatedAt: now, deactivationReason: "heartbeat" })
    .where(and(eq(activations.licenseId, licenseId), isNull(activations.deactivatedAt), lt(activations.lastHeartbeatAt, deadBefore)))
    .returning();
}

export async function countLiveActivations(tx: Tx, licenseId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(activations)
    .where(and(eq(activations.licenseId, licenseId), isNull(activations.deactivatedAt)));
  return row?.n ?? 0;
}

/** Client deactivations since `since`, oldest first (the churn budget's window). */
export async function recentClientDeactivations(tx: Tx, licenseId: string, since: Date) {
  return tx
    .select({ at: activations.deactivatedAt })
    .from(activations)
    .where(and(eq(activations.licenseId, licenseId), eq(activations.deactivationReason, "client"), gt(activations.deactivatedAt, since)))
    .orderBy(activations.deactivatedAt);
}

export async function releaseActivation(tx: Tx, activationId: string, reason: DeactivationReason, now: Date) {
  const [row] = await tx
    .update(activations)
    .set({ deactivatedAt: now, deactivationReason: reason })
    .where(and(eq(activations.id, activationId), isNull(activations.deactivatedAt)))
    .returning();
  return row;
}

/** Keeps the denormalised seat count in step with the activations table. */
export async function syncActivationCount(tx: Tx, licenseId: string, now: Date): Promise<number> {
  const n = await countLiveActivations(tx, licenseId);
  await tx.update(licenses).set({ activationCount: n, updatedAt: now }).where(eq(licenses.id, licenseId));
  return n;
}

export async function findIdempotentResponse(tx: Tx, licenseId: string, route: string, key: string) {
  const [row] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.licenseId, licenseId), eq(idempotencyKeys.route, route), eq(idempotencyKeys.key, key)));
  return row;
}

export async function storeIdempotentResponse(
  tx: Tx,
  row: { licenseId: string; route: string; key: string; requestHash: string; status: number; body: unknown },
) {
  await tx.insert(idempotencyKeys).values(row).onConflictDoNothing();
}

/** Releases one or all live activations of a license (admin, or a customer in the portal: "client"), returning what was released. */
export async function releaseActivations(tx: Tx, licenseId: string, now: Date, activationId?: string, reason: DeactivationReason = "admin") {
  return tx
    .update(activations)
    .set({ deactivatedAt: now, deactivationReason: reason })
    .where(and(eq(activations.licenseId, licenseId), isNull(activations.deactivatedAt), activationId ? eq(activations.id, activationId) : undefined))
    .returning();
}

export type ActivationRow = typeof activations.$inferSelect;

export async function insertActivation(tx: Tx, values: typeof activations.$inferInsert): Promise<ActivationRow> {
  const [row] = await tx.insert(activations).values(values).returning();
  return row!;
}

/** Binds a live activation with no device key yet to `jkt` (under the license's row lock); undefined when it has one. */
export async function bindActivationKeyInTx(tx: Tx, id: string, jkt: string): Promise<ActivationRow | undefined> {
  const [row] = await tx
    .update(activations)
    .set({ dpopJkt: jkt })
    .where(and(eq(activations.id, id), isNull(activations.dpopJkt), isNull(activations.deactivatedAt)))
    .returning();
  return row;
}

export async function touchActivation(tx: Tx, id: string, now: Date): Promise<ActivationRow> {
  const [row] = await tx.update(activations).set({ lastHeartbeatAt: now }).where(eq(activations.id, id)).returning();
  return row!;
}

/** A license's activations, newest first: the live ones, or with `includeReleased` all of them. */
export function listActivations(db: Queryable, tenantId: string, licenseId: string, page: PageRequest, options: { includeReleased: boolean }) {
  const filter = and(eq(activations.licenseId, licenseId), options.includeReleased ? undefined : isNull(activations.deactivatedAt));
  return listPage(db, activations, tenantId, page, filter);
}

/** Idempotency records older than `before` can no longer be replayed: swept by the cron. */
export async function sweepIdempotencyKeys(db: Queryable, before: Date): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
}

/** DPoP proofs past their acceptance window can no longer be replayed (they are refused as stale): swept by the cron. */
export async function sweepDpopProofs(db: Queryable, now: Date): Promise<void> {
  await db.delete(dpopProofs).where(lt(dpopProofs.expiresAt, now));
}

/** A live activation of the license, by id. */
export async function findLiveActivationById(tx: Tx, licenseId: string, activationId: string) {
  const [row] = await tx
    .select()
    .from(activations)
    .where(and(eq(activations.licenseId, licenseId), eq(activations.id, activationId), isNull(activations.deactivatedAt)))
    .limit(1);
  return row;
}

/** A tenant's live activation of a license, by its id and its device's fingerprint. */
export async function findLiveActivationOf(db: Queryable, tenantId: string, licenseId: string, device: { id: string; fingerprint: string }) {
  const [row] = await db
    .select()
    .from(activations)
    .where(
      and(
        eq(activations.tenantId, tenantId),
        eq(activations.licenseId, licenseId),
        eq(activations.fingerprint, device.fingerprint),
        eq(activations.id, device.id),
        isNull(activations.deactivatedAt),
      ),
    )
    .limit(1);
  return row;
}
