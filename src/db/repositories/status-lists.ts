// Token Status Lists: one per tenant, made with its first entry. An entry stands for what a token
// or file names: a license, an activation that got a machine file, or a borrowed lease. Indexes
// are drawn at random below the list's capacity (so an index says nothing about how many licenses
// a seller has), the primary key keeps two holders off one index, and a list too full to draw
// from grows by a block in a versioned change, so it is rebuilt before an offline verifier looks.
import { and, desc, eq, gt, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Queryable, Tx } from "../client";
import { applications, licenses, statusEntries, statusLists } from "../schema";

export interface StatusListRef {
  listId: string;
  idx: number;
}

/** What an entry stands for: the license itself, or one of its activations or borrowed leases. */
export type EntryHolder = { licenseId: string; activationId?: string; leaseId?: string };

/** Lists grow by blocks of this many entries (4 KiB of 2-bit statuses), so their size says little. */
export const STATUS_LIST_BLOCK = 16_384;
/** Random draws that may hit taken indexes before the list grows instead. */
const DRAWS = 4;

const randomBelow = (from: number, to: number) => from + (crypto.getRandomValues(new Uint32Array(1))[0]! % (to - from));

function holderFilter(holder: EntryHolder): SQL {
  if (holder.activationId) return eq(statusEntries.activationId, holder.activationId);
  if (holder.leaseId) return eq(statusEntries.leaseId, holder.leaseId);
  return and(eq(statusEntries.licenseId, holder.licenseId), isNull(statusEntries.activationId), isNull(statusEntries.leaseId))!;
}

/** The tenant's list (made now if it has none), without locking it. */
async function tenantList(tx: Tx, tenantId: string, newListId: string): Promise<{ id: string; capacity: number }> {
  const [made] = await tx
    .insert(statusLists)
    .values({ id: newListId, tenantId })
    .onConflictDoNothing({ target: statusLists.tenantId })
    .returning({ id: statusLists.id, capacity: statusLists.capacity });
  if (made) return made;
  const [row] = await tx.select({ id: statusLists.id, capacity: statusLists.capacity }).from(statusLists).where(eq(statusLists.tenantId, tenantId));
  return row!;
}

async function tryIndex(tx: Tx, listId: string, idx: number, holder: EntryHolder): Promise<boolean> {
  const [row] = await tx
    .insert(statusEntries)
    .values({ listId, idx, licenseId: holder.licenseId, activationId: holder.activationId ?? null, leaseId: holder.leaseId ?? null })
    .onConflictDoNothing({ target: [statusEntries.listId, statusEntries.idx] })
    .returning({ idx: statusEntries.idx });
  return row !== undefined;
}

/**
 * The holder's entry, given now if it has none (call with the license row locked, or at its
 * creation). `grown` says the list grew past its published size: it must be rebuilt (the change
 * is versioned here, so the cron does it if the caller's rebuild does not happen).
 */
export async function statusEntryFor(tx: Tx, tenantId: string, holder: EntryHolder, newListId: string): Promise<StatusListRef & { grown: boolean }> {
  const [existing] = await tx.select({ listId: statusEntries.listId, idx: statusEntries.idx }).from(statusEntries).where(holderFilter(holder)).limit(1);
  if (existing) return { ...existing, grown: false };
  let list = await tenantList(tx, tenantId, newListId);
  let grown = false;
  let from = 0;
  for (;;) {
    for (let draw = 0; draw < DRAWS; draw++) {
      const idx = randomBelow(from, list.capacity);
      if (await tryIndex(tx, list.id, idx, holder)) {
        if (!holder.activationId && !holder.leaseId) await tx.update(licenses).set({ statusListIdx: idx }).where(eq(licenses.id, holder.licenseId));
        return { listId: list.id, idx, grown };
      }
    }
    // Dense enough that draws keep colliding: add a block and draw from it.
    const [bigger] = await tx
      .update(statusLists)
      .set({ capacity: sql`${statusLists.capacity} + ${STATUS_LIST_BLOCK}`, version: sql`${statusLists.version} + 1`, changedAt: new Date() })
      .where(eq(statusLists.id, list.id))
      .returning({ id: statusLists.id, capacity: statusLists.capacity });
    from = list.capacity;
    list = bigger!;
    grown = true;
  }
}

/** The license's own entry (its tokens and license files name it). */
export const ensureStatusIndex = (tx: Tx, tenantId: string, licenseId: string, newListId: string) => statusEntryFor(tx, tenantId, { licenseId }, newListId);

export interface StatusListContent {
  tenantId: string;
  /** Entries the list must hold (its padded size). */
  capacity: number;
  /** The version the statuses were read at. */
  version: number;
  /** Whom the list is for: the tenant and its applications (every `aud` its tokens and files carry). */
  audience: string[];
  /** Entries whose status is not 0 (valid): 1 invalid (revoked, or a released seat), 2 suspended. */
  marked: Array<[idx: number, status: number]>;
}

/**
 * A list's non-valid entries, computed from their holders: a revoked license, or a released
 * activation or lease, is invalid (1); a suspended license is suspended (2). Read when the list is
 * rebuilt, never per verification.
 */
export async function readStatusList(db: Queryable, listId: string): Promise<StatusListContent | undefined> {
  // The version first: a change committed after it leaves the list marked stale for the cron.
  const [list] = await db
    .select({ tenantId: statusLists.tenantId, capacity: statusLists.capacity, version: statusLists.version })
    .from(statusLists)
    .where(eq(statusLists.id, listId));
  if (!list) return undefined;
  const [marked, apps] = await Promise.all([
    db.execute(sql`
      select e.idx,
             case when l.status = 'revoked' or a.deactivated_at is not null or ls.released_at is not null then 1 else 2 end as status
        from status_entries e
        join licenses l on l.id = e.license_id
        left join activations a on a.id = e.activation_id
        left join leases ls on ls.id = e.lease_id
       where e.list_id = ${listId}
         and (l.status <> 'active' or a.deactivated_at is not null or ls.released_at is not null)`),
    db.select({ id: applications.id }).from(applications).where(eq(applications.tenantId, list.tenantId)),
  ]);
  return {
    ...list,
    audience: [list.tenantId, ...apps.map((a) => a.id)],
    marked: (marked.rows as { idx: number; status: number }[]).map((m) => [Number(m.idx), Number(m.status)]),
  };
}

const bump = (now: Date) => ({ version: sql`${statusLists.version} + 1`, changedAt: now });

/** In a change's transaction: the tenant's list (if any) must be built again. */
export async function markStatusListChanged(tx: Tx, tenantId: string, now: Date): Promise<boolean> {
  const rows = await tx.update(statusLists).set(bump(now)).where(eq(statusLists.tenantId, tenantId)).returning({ id: statusLists.id });
  return rows.length > 0;
}

/** In a release's transaction: the list changes only if one of these activations or leases holds an entry. */
export async function markStatusListChangedFor(tx: Tx, tenantId: string, held: { activationIds?: string[]; leaseIds?: string[] }, now: Date): Promise<boolean> {
  const activationIds = held.activationIds ?? [];
  const leaseIds = held.leaseIds ?? [];
  if (activationIds.length === 0 && leaseIds.length === 0) return false;
  const holds = or(
    activationIds.length ? inArray(statusEntries.activationId, activationIds) : undefined,
    leaseIds.length ? inArray(statusEntries.leaseId, leaseIds) : undefined,
  );
  const rows = await tx
    .update(statusLists)
    .set(bump(now))
    .where(
      and(
        eq(statusLists.tenantId, tenantId),
        sql`exists (${tx
          .select({ one: sql`1` })
          .from(statusEntries)
          .where(and(eq(statusEntries.listId, statusLists.id), holds))})`,
      ),
    )
    .returning({ id: statusLists.id });
  return rows.length > 0;
}

/** Records that `version` was published (never moving backwards). */
export async function markStatusListBuilt(db: Queryable, listId: string, version: number, readAt: Date): Promise<void> {
  await db
    .update(statusLists)
    .set({ builtVersion: sql`greatest(${statusLists.builtVersion}, ${version})`, builtAt: sql`greatest(${statusLists.builtAt}, ${readAt})` })
    .where(eq(statusLists.id, listId));
}

/** Lists whose newest version was not published (a rebuild after the change failed, or never ran). */
export async function staleStatusLists(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.select({ id: statusLists.id }).from(statusLists).where(gt(statusLists.version, statusLists.builtVersion)).limit(limit);
  return rows.map((r) => r.id);
}

/** Lists changed since `since`, with their version: the cron checks the edge copy is that new. */
/** Lists changed since `since`, the most recent first (so the newest changes are checked first when there are many). */
export async function recentlyChangedStatusLists(db: Queryable, since: Date, limit: number): Promise<{ id: string; version: number }[]> {
  return db
    .select({ id: statusLists.id, version: statusLists.version })
    .from(statusLists)
    .where(gt(statusLists.changedAt, since))
    .orderBy(desc(statusLists.changedAt), desc(statusLists.id))
    .limit(limit);
}

/** The tenant's list id, if it has one yet. */
export async function statusListOfTenant(db: Queryable, tenantId: string): Promise<string | undefined> {
  const [row] = await db.select({ id: statusLists.id }).from(statusLists).where(eq(statusLists.tenantId, tenantId));
  return row?.id;
}
