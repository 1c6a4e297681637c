// Token Status Lists: one per tenant, created with its first index. A license's index is handed
// out once (at creation, or at its first checkout) by bumping the list's `next_idx` in the same
// statement that creates the list, so two licenses never share one.
import { and, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { LicenseStatus } from "../../contract/licenses";
import type { Queryable, Tx } from "../client";
import { licenses, statusLists } from "../schema";

export interface StatusListRef {
  listId: string;
  idx: number;
}

const sqlNextIdx = sql`${statusLists.nextIdx} + 1`;

/** The next index of the tenant's list (the list made on first use). */
async function takeIndex(tx: Tx, tenantId: string, newListId: string): Promise<StatusListRef> {
  const [row] = await tx
    .insert(statusLists)
    .values({ id: newListId, tenantId, nextIdx: 1 })
    .onConflictDoUpdate({ target: statusLists.tenantId, set: { nextIdx: sqlNextIdx, updatedAt: new Date() } })
    .returning({ listId: statusLists.id, next: statusLists.nextIdx });
  return { listId: row!.listId, idx: row!.next - 1 };
}

/** The license's index, given now if it has none (call with the license row locked, or at its creation). */
export async function ensureStatusIndex(tx: Tx, tenantId: string, licenseId: string, newListId: string): Promise<StatusListRef> {
  const [current] = await tx
    .select({ idx: licenses.statusListIdx, listId: statusLists.id })
    .from(licenses)
    .leftJoin(statusLists, eq(statusLists.tenantId, licenses.tenantId))
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, licenseId)));
  if (current?.idx != null && current.listId) return { listId: current.listId, idx: current.idx };
  const ref = await takeIndex(tx, tenantId, newListId);
  await tx.update(licenses).set({ statusListIdx: ref.idx }).where(eq(licenses.id, licenseId));
  return ref;
}

export interface StatusListContent {
  tenantId: string;
  /** Indexes handed out so far: the list covers at least these. */
  size: number;
  /** The licenses whose status is not 0 (valid): revoked and suspended ones. */
  marked: Array<{ idx: number; status: LicenseStatus }>;
}

/** A list and its marked entries (read when the list is rebuilt, not per verification). */
export async function readStatusList(db: Queryable, listId: string): Promise<StatusListContent | undefined> {
  const [list] = await db.select({ tenantId: statusLists.tenantId, size: statusLists.nextIdx }).from(statusLists).where(eq(statusLists.id, listId));
  if (!list) return undefined;
  const marked = await db
    .select({ idx: licenses.statusListIdx, status: licenses.status })
    .from(licenses)
    .where(and(eq(licenses.tenantId, list.tenantId), isNotNull(licenses.statusListIdx), inArray(licenses.status, ["revoked", "suspended"])));
  return { tenantId: list.tenantId, size: list.size, marked: marked.map((m) => ({ idx: m.idx!, status: m.status })) };
}

/** In a license status change's transaction: the tenant's list (if any) must be built again. */
export async function markStatusListChanged(tx: Tx, tenantId: string, now: Date): Promise<void> {
  await tx.update(statusLists).set({ changedAt: now }).where(eq(statusLists.tenantId, tenantId));
}

/** Records that the list was built from statuses read at `readAt` (never moving backwards). */
export async function markStatusListBuilt(db: Queryable, listId: string, readAt: Date): Promise<void> {
  await db
    .update(statusLists)
    .set({ builtAt: readAt })
    .where(and(eq(statusLists.id, listId), or(isNull(statusLists.builtAt), lt(statusLists.builtAt, readAt))));
}

/** Lists changed since they were last built (a rebuild after the change failed, or never ran). */
export async function staleStatusLists(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: statusLists.id })
    .from(statusLists)
    .where(and(isNotNull(statusLists.builtAt), gt(statusLists.changedAt, statusLists.builtAt)))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The tenant's list id, if it has one yet. */
export async function statusListOfTenant(db: Queryable, tenantId: string): Promise<string | undefined> {
  const [row] = await db.select({ id: statusLists.id }).from(statusLists).where(eq(statusLists.tenantId, tenantId));
  return row?.id;
}
