// Named seats: a license's holders are the users assigned to it directly and the members of the
// groups assigned to it. Every change to who holds a license runs under its row lock (as seat and
// lease changes do), so the count checked against the policy's `max_users` is exact under any
// concurrency.
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Queryable, Tx } from "../client";
import { groupMembers, groups, leases, licenseGroups, licenses, licenseUsers, policies, users } from "../schema";
import type { LeaseRow } from "./leases";
import type { GroupRow, UserRow } from "./users";

/** A license as assignment sees it, locked: its owner and the policy's limit. */
export interface AssignableLicense {
  id: string;
  tenantId: string;
  customerId: string | null;
  maxUsers: number | null;
}

const holdersOf = (licenseId: string | SQL) => sql`(
  select lu.user_id from ${licenseUsers} lu where lu.license_id = ${licenseId}
  union
  select m.user_id from ${licenseGroups} lg join ${groupMembers} m on m.group_id = lg.group_id where lg.license_id = ${licenseId}
)`;

const assignable = (db: Queryable, tenantId: string, licenseIds: string[]) =>
  db
    .select({ id: licenses.id, tenantId: licenses.tenantId, customerId: licenses.customerId, maxUsers: policies.maxUsers })
    .from(licenses)
    .innerJoin(policies, eq(policies.id, licenses.policyId))
    .where(and(eq(licenses.tenantId, tenantId), inArray(licenses.id, licenseIds)))
    .orderBy(licenses.id);

/** Locks licenses (in id order, so two changes never wait on each other in a cycle). */
export async function lockAssignable(tx: Tx, tenantId: string, licenseIds: string[]): Promise<AssignableLicense[]> {
  if (licenseIds.length === 0) return [];
  return assignable(tx, tenantId, licenseIds).for("update", { of: licenses });
}

/** The same, read without a lock. */
export async function findAssignable(db: Queryable, tenantId: string, licenseId: string): Promise<AssignableLicense | undefined> {
  const [row] = await assignable(db, tenantId, [licenseId]);
  return row;
}

/** How many users would hold the license with these users and this group's members added. */
export async function holderCountWith(tx: Queryable, licenseId: string, add: { userIds?: string[]; groupId?: string }): Promise<number> {
  const parts = [sql`select user_id from ${holdersOf(licenseId)} h`];
  for (const id of add.userIds ?? []) parts.push(sql`select ${id}::text`);
  if (add.groupId) parts.push(sql`select m.user_id from ${groupMembers} m where m.group_id = ${add.groupId}`);
  const [row] = await tx.execute<{ n: number }>(sql`select count(*)::int as n from (${sql.join(parts, sql` union `)}) x`).then((r) => r.rows);
  return Number(row?.n ?? 0);
}

/** Whether the user holds the license, directly or through a group. */
export async function holdsLicense(db: Queryable, licenseId: string, userId: string): Promise<boolean> {
  const result = await db.execute<{ held: boolean }>(sql`select exists (select 1 from ${holdersOf(licenseId)} h where h.user_id = ${userId}) as held`);
  return Boolean(result.rows[0]?.held);
}

export async function assignUser(tx: Tx, tenantId: string, licenseId: string, userId: string): Promise<boolean> {
  const added = await tx.insert(licenseUsers).values({ tenantId, licenseId, userId }).onConflictDoNothing().returning({ userId: licenseUsers.userId });
  return added.length > 0;
}

export async function unassignUser(tx: Tx, licenseId: string, userId: string): Promise<boolean> {
  const gone = await tx
    .delete(licenseUsers)
    .where(and(eq(licenseUsers.licenseId, licenseId), eq(licenseUsers.userId, userId)))
    .returning({ userId: licenseUsers.userId });
  return gone.length > 0;
}

export async function assignGroup(tx: Tx, tenantId: string, licenseId: string, groupId: string): Promise<boolean> {
  const added = await tx.insert(licenseGroups).values({ tenantId, licenseId, groupId }).onConflictDoNothing().returning({ groupId: licenseGroups.groupId });
  return added.length > 0;
}

export async function unassignGroup(tx: Tx, licenseId: string, groupId: string): Promise<boolean> {
  const gone = await tx
    .delete(licenseGroups)
    .where(and(eq(licenseGroups.licenseId, licenseId), eq(licenseGroups.groupId, groupId)))
    .returning({ groupId: licenseGroups.groupId });
  return gone.length > 0;
}

/** The licenses a group is assigned to, or a user holds directly: what a membership or deletion changes. */
export async function licensesOfGroup(db: Queryable, groupId: string): Promise<string[]> {
  const rows = await db.select({ id: licenseGroups.licenseId }).from(licenseGroups).where(eq(licenseGroups.groupId, groupId));
  return rows.map((r) => r.id);
}

export async function licensesOfUser(db: Queryable, userId: string): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select lu.license_id as id from ${licenseUsers} lu where lu.user_id = ${userId}
    union
    select lg.license_id from ${licenseGroups} lg join ${groupMembers} m on m.group_id = lg.group_id where m.user_id = ${userId}`);
  return result.rows.map((r) => r.id);
}

/** Who a license is assigned to: its users (directly), its groups, and how many distinct users hold it. */
export async function assignmentsOf(db: Queryable, licenseId: string): Promise<{ users: UserRow[]; groups: GroupRow[]; holders: number }> {
  const direct = await db
    .select({ user: users })
    .from(licenseUsers)
    .innerJoin(users, eq(users.id, licenseUsers.userId))
    .where(eq(licenseUsers.licenseId, licenseId))
    .orderBy(licenseUsers.createdAt, licenseUsers.userId);
  const viaGroups = await db
    .select({ group: groups })
    .from(licenseGroups)
    .innerJoin(groups, eq(groups.id, licenseGroups.groupId))
    .where(eq(licenseGroups.licenseId, licenseId))
    .orderBy(licenseGroups.createdAt, licenseGroups.groupId);
  return { users: direct.map((r) => r.user), groups: viaGroups.map((r) => r.group), holders: await holderCountWith(db, licenseId, {}) };
}

/**
 * Ends the live `per_user` leases of people who no longer hold their license (unassigned, left a
 * group, deleted): a seat must not outlive the assignment it stood for.
 */
export async function releaseLeasesOfNonHolders(tx: Tx, licenseIds: string[], now: Date): Promise<LeaseRow[]> {
  if (licenseIds.length === 0) return [];
  return tx
    .update(leases)
    .set({ releasedAt: now })
    .where(
      and(
        inArray(leases.licenseId, licenseIds),
        sql`${leases.releasedAt} is null and ${leases.expiresAt} > ${now} and ${leases.userId} is not null`,
        sql`${leases.licenseId} in (select id from ${licenses} where customer_id is not null)`,
        sql`not exists (select 1 from ${holdersOf(sql`${leases.licenseId}`)} h where h.user_id = ${leases.userId})`,
      ),
    )
    .returning();
}
