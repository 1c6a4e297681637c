// Users (the people under a customer) and groups of them. Every function filters on the tenant.
import { and, eq, ilike, inArray, or, type SQL, sql } from "drizzle-orm";
import type { UserRole } from "../../contract/customers";
import type { Queryable, Tx } from "../client";
import { groupMembers, groups, users } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";
import { literalLike } from "./search";

export type UserRow = typeof users.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;

export interface UserFields {
  email?: string;
  name?: string | null;
  role?: UserRole;
  metadata?: Record<string, unknown>;
}

export async function getUser(db: Queryable, tenantId: string, id: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  return row;
}

/** A customer's user by id or email (case-insensitive): how an app names the person taking a seat. */
export async function findCustomerUser(db: Queryable, customerId: string, idOrEmail: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.customerId, customerId), or(eq(users.id, idOrEmail), sql`lower(${users.email}) = lower(${idOrEmail})`)))
    .limit(1);
  return row;
}

export async function insertUser(tx: Tx, values: typeof users.$inferInsert): Promise<UserRow> {
  const [row] = await tx.insert(users).values(values).returning();
  return row!;
}

export async function updateUser(tx: Tx, tenantId: string, id: string, fields: UserFields): Promise<UserRow | undefined> {
  const [row] = await tx
    .update(users)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .returning();
  return row;
}

export async function deleteUser(tx: Tx, tenantId: string, id: string): Promise<UserRow | undefined> {
  const [row] = await tx
    .delete(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .returning();
  return row;
}

export function listUsers(
  db: Queryable,
  tenantId: string,
  page: PageRequest,
  filter: { customerId?: string; groupId?: string; q?: string },
): Promise<Page<UserRow>> {
  const q = filter.q?.trim();
  const where: (SQL | undefined)[] = [
    filter.customerId ? eq(users.customerId, filter.customerId) : undefined,
    filter.groupId ? sql`exists (select 1 from ${groupMembers} m where m.user_id = ${users.id} and m.group_id = ${filter.groupId})` : undefined,
    q ? or(eq(users.id, q), ilike(users.email, `%${literalLike(q)}%`), ilike(users.name, `%${literalLike(q)}%`)) : undefined,
  ];
  return listPage(db, users, tenantId, page, and(...where));
}

export async function getGroup(db: Queryable, tenantId: string, id: string): Promise<GroupRow | undefined> {
  const [row] = await db
    .select()
    .from(groups)
    .where(and(eq(groups.tenantId, tenantId), eq(groups.id, id)));
  return row;
}

export async function insertGroup(tx: Tx, values: typeof groups.$inferInsert): Promise<GroupRow> {
  const [row] = await tx.insert(groups).values(values).returning();
  return row!;
}

export async function renameGroup(tx: Tx, tenantId: string, id: string, name: string): Promise<GroupRow | undefined> {
  const [row] = await tx
    .update(groups)
    .set({ name, updatedAt: new Date() })
    .where(and(eq(groups.tenantId, tenantId), eq(groups.id, id)))
    .returning();
  return row;
}

export async function deleteGroup(tx: Tx, tenantId: string, id: string): Promise<GroupRow | undefined> {
  const [row] = await tx
    .delete(groups)
    .where(and(eq(groups.tenantId, tenantId), eq(groups.id, id)))
    .returning();
  return row;
}

export const listGroups = (db: Queryable, tenantId: string, page: PageRequest, filter: { customerId?: string }): Promise<Page<GroupRow>> =>
  listPage(db, groups, tenantId, page, filter.customerId ? eq(groups.customerId, filter.customerId) : undefined);

/** The members' ids of some groups. */
export async function memberIds(db: Queryable, groupIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await db
    .select({ groupId: groupMembers.groupId, userId: groupMembers.userId })
    .from(groupMembers)
    .where(inArray(groupMembers.groupId, groupIds))
    .orderBy(groupMembers.createdAt, groupMembers.userId);
  for (const r of rows) out.get(r.groupId)!.push(r.userId);
  return out;
}

/** Adds a member; false when it already was one. */
export async function addMember(tx: Tx, tenantId: string, groupId: string, userId: string): Promise<boolean> {
  const added = await tx.insert(groupMembers).values({ tenantId, groupId, userId }).onConflictDoNothing().returning({ userId: groupMembers.userId });
  return added.length > 0;
}

export async function removeMember(tx: Tx, groupId: string, userId: string): Promise<boolean> {
  const removed = await tx
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
    .returning({ userId: groupMembers.userId });
  return removed.length > 0;
}
