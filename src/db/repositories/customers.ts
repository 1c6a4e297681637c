// Customers and their external ids. Every function filters on the tenant: another tenant's id
// finds nothing. A customer's external ids are read with it (one query for a page of customers).
import { and, eq, exists, ilike, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Queryable, Tx } from "../client";
import { activations, customerExternalIds, customers, groups, leases, licenses, users } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";
import { literalLike } from "./search";

export type CustomerRow = typeof customers.$inferSelect & { externalIds: Record<string, string> };
type CustomerColumns = typeof customers.$inferSelect;

export interface CustomerFields {
  name?: string;
  email?: string;
  company?: string | null;
  country?: string | null;
  metadata?: Record<string, unknown>;
  /** Provider → id; `null` removes a provider's id. */
  externalIds?: Record<string, string | null>;
}

async function withExternalIds(db: Queryable, rows: CustomerColumns[]): Promise<CustomerRow[]> {
  if (rows.length === 0) return [];
  const ids = await db
    .select()
    .from(customerExternalIds)
    .where(
      inArray(
        customerExternalIds.customerId,
        rows.map((r) => r.id),
      ),
    );
  return rows.map((row) => ({
    ...row,
    externalIds: Object.fromEntries(ids.filter((e) => e.customerId === row.id).map((e) => [e.provider, e.externalId])),
  }));
}

export async function getCustomer(db: Queryable, tenantId: string, id: string): Promise<CustomerRow | undefined> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)));
  return row ? (await withExternalIds(db, [row]))[0] : undefined;
}

/** The customer row locked for the transaction (membership and erasure changes queue on it). */
export async function lockCustomer(tx: Tx, tenantId: string, id: string): Promise<CustomerColumns | undefined> {
  const [row] = await tx
    .select()
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)))
    .for("update");
  return row;
}

/** The customer a provider's id names (billing connectors find their customer by it). */
export async function findCustomerByExternalId(db: Queryable, tenantId: string, provider: string, externalId: string): Promise<CustomerRow | undefined> {
  const [row] = await db
    .select({ id: customerExternalIds.customerId })
    .from(customerExternalIds)
    .where(and(eq(customerExternalIds.tenantId, tenantId), eq(customerExternalIds.provider, provider), eq(customerExternalIds.externalId, externalId)));
  return row ? getCustomer(db, tenantId, row.id) : undefined;
}

/** The tenant's oldest live customer with this email (billing connectors' second way to find a buyer). */
export async function findCustomerByEmail(db: Queryable, tenantId: string, email: string): Promise<CustomerRow | undefined> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), sql`lower(${customers.email}) = lower(${email})`, isNull(customers.erasedAt)))
    .orderBy(customers.createdAt, customers.id)
    .limit(1);
  return row ? (await withExternalIds(db, [row]))[0] : undefined;
}

export async function insertCustomer(tx: Tx, values: typeof customers.$inferInsert, externalIds: Record<string, string>): Promise<CustomerRow> {
  const [row] = await tx.insert(customers).values(values).returning();
  await setExternalIds(tx, row!.tenantId, row!.id, externalIds);
  return (await withExternalIds(tx, [row!]))[0]!;
}

/** Sets (or with `null` removes) a customer's ids per provider. A duplicate of another customer's id is Postgres's 23505. */
export async function setExternalIds(tx: Tx, tenantId: string, customerId: string, externalIds: Record<string, string | null>): Promise<void> {
  for (const [provider, externalId] of Object.entries(externalIds)) {
    await tx.delete(customerExternalIds).where(and(eq(customerExternalIds.customerId, customerId), eq(customerExternalIds.provider, provider)));
    if (externalId !== null) await tx.insert(customerExternalIds).values({ tenantId, customerId, provider, externalId });
  }
}

export async function updateCustomer(tx: Tx, tenantId: string, id: string, fields: CustomerFields): Promise<CustomerRow | undefined> {
  const { externalIds, ...columns } = fields;
  const [row] = await tx
    .update(customers)
    .set({ ...columns, updatedAt: new Date() })
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id), isNull(customers.erasedAt)))
    .returning();
  if (!row) return undefined;
  if (externalIds) await setExternalIds(tx, tenantId, id, externalIds);
  return (await withExternalIds(tx, [row]))[0];
}

/** Deletes a customer without licenses (their users and groups go with it); `in_use` while it owns licenses. */
export async function deleteCustomer(tx: Tx, tenantId: string, id: string): Promise<"deleted" | "not_found" | "in_use"> {
  const [owned] = await tx
    .select({ id: licenses.id })
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.customerId, id)))
    .limit(1);
  if (owned) return "in_use";
  const gone = await tx
    .delete(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)))
    .returning({ id: customers.id });
  return gone.length > 0 ? "deleted" : "not_found";
}

export interface CustomerFilter {
  /** Name, email or company text, an id, or an external id. */
  q?: string;
  /** Exactly these customers (the console resolves a page of licenses' owners with one call). */
  ids?: string[];
}

function filterOf(filter: CustomerFilter): SQL | undefined {
  const q = filter.q?.trim();
  const search = q
    ? or(
        eq(customers.id, q),
        ilike(customers.name, `%${literalLike(q)}%`),
        ilike(customers.email, `%${literalLike(q)}%`),
        ilike(customers.company, `%${literalLike(q)}%`),
        exists(sql`(select 1 from ${customerExternalIds} e where e.customer_id = ${customers.id} and e.external_id = ${q})`),
      )
    : undefined;
  return and(search, filter.ids ? inArray(customers.id, filter.ids.length > 0 ? filter.ids : [""]) : undefined);
}

export async function listCustomers(db: Queryable, tenantId: string, page: PageRequest, filter: CustomerFilter): Promise<Page<CustomerRow>> {
  const found = await listPage(db, customers, tenantId, page, filterOf(filter));
  return { ...found, data: await withExternalIds(db, found.data) };
}

/** What hangs on a customer, counted for its detail view. */
export async function customerCounts(db: Queryable, tenantId: string, id: string, now: Date) {
  const count = (from: SQL) => sql<number>`(select count(*)::int ${from})`;
  const [row] = await db
    .select({
      licenses: count(sql`from ${licenses} l where l.tenant_id = ${tenantId} and l.customer_id = ${id}`),
      users: count(sql`from ${users} u where u.tenant_id = ${tenantId} and u.customer_id = ${id}`),
      groups: count(sql`from ${groups} g where g.tenant_id = ${tenantId} and g.customer_id = ${id}`),
      devices: count(
        sql`from ${activations} a join ${licenses} l on l.id = a.license_id where l.tenant_id = ${tenantId} and l.customer_id = ${id} and a.deactivated_at is null`,
      ),
      seats: count(
        sql`from ${leases} s join ${licenses} l on l.id = s.license_id where l.tenant_id = ${tenantId} and l.customer_id = ${id} and s.released_at is null and s.expires_at > ${now}`,
      ),
    })
    .from(sql`(select 1) as one`);
  return row!;
}

/** The live devices (activations) across a customer's licenses, newest first. */
export const listCustomerDevices = (db: Queryable, tenantId: string, customerId: string, page: PageRequest) =>
  listPage(
    db,
    activations,
    tenantId,
    page,
    sql`${activations.deactivatedAt} is null and ${activations.licenseId} in (select id from ${licenses} where customer_id = ${customerId} and tenant_id = ${tenantId})`,
  );

/** The live floating seats (leases) across a customer's licenses, newest first. */
export const listCustomerSeats = (db: Queryable, tenantId: string, customerId: string, page: PageRequest, now: Date) =>
  listPage(
    db,
    leases,
    tenantId,
    page,
    sql`${leases.releasedAt} is null and ${leases.expiresAt} > ${now} and ${leases.licenseId} in (select id from ${licenses} where customer_id = ${customerId} and tenant_id = ${tenantId})`,
  );
