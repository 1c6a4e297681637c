// Licenses: the tenant-scoped admin reads and writes, the expiry sweep and the seat count. Every
// admin function filters on the tenant: another tenant's id finds nothing. The records the public
// routes judge a license by are in license-records.ts (re-exported here, where callers look).
import { and, eq, gt, ilike, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { LicenseStatus } from "../../contract/licenses";
import type { Queryable, Tx } from "../client";
import { customers, licenses } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";
import { literalLike } from "./search";

export * from "./license-records";

export type LicenseRow = typeof licenses.$inferSelect;
export type NewLicense = typeof licenses.$inferInsert;

/** Locks a tenant's license by id (admin changes to its activations). */
export async function lockLicenseById(tx: Tx, tenantId: string, licenseId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: licenses.id })
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, licenseId)))
    .for("update");
  return row !== undefined;
}

export async function getLicense(db: Queryable, tenantId: string, id: string): Promise<LicenseRow | undefined> {
  const [row] = await db
    .select()
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, id)));
  return row;
}

/** A tenant's licenses whose key starts with `prefix` (the visible prefix): a handful at most. */
export async function findLicensesByKeyPrefix(db: Queryable, tenantId: string, prefix: string): Promise<LicenseRow[]> {
  return db
    .select()
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.keyPrefix, prefix)))
    .limit(10);
}

export async function licenseBelongsTo(db: Queryable, licenseId: string, tenantId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: licenses.id })
    .from(licenses)
    .where(and(eq(licenses.id, licenseId), eq(licenses.tenantId, tenantId)))
    .limit(1);
  return row !== undefined;
}

export async function insertLicense(db: Queryable, values: NewLicense): Promise<LicenseRow> {
  const [row] = await db.insert(licenses).values(values).returning();
  return row!;
}

/**
 * Tenant-scoped update. With `onlyFrom`, a conditional UPDATE ... RETURNING does the state check
 * and the write in one statement, so two racing lifecycle calls cannot both pass a stale check.
 */
export async function updateLicense(
  db: Queryable,
  tenantId: string,
  id: string,
  values: Partial<NewLicense>,
  onlyFrom?: readonly LicenseStatus[],
): Promise<LicenseRow | undefined> {
  const [row] = await db
    .update(licenses)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, id), onlyFrom ? inArray(licenses.status, [...onlyFrom]) : undefined))
    .returning();
  return row;
}

/** `expired` is derived (active but past its expiry), so the filter matches what the list shows. */
function statusFilter(status: string | undefined, now: Date): SQL | undefined {
  const unexpired = or(isNull(licenses.expiresAt), gt(licenses.expiresAt, now));
  switch (status) {
    case "active":
      return and(eq(licenses.status, "active"), unexpired);
    case "expired":
      return and(eq(licenses.status, "active"), lte(licenses.expiresAt, now));
    case "suspended":
    case "revoked":
      return eq(licenses.status, status);
    default:
      return undefined;
  }
}

/** What a seller types to find a license: a whole key (by its hash), an id, a key prefix, or text. */
export type LicenseSearch = { keyHash: string } | { text: string };

function searchFilter(search: LicenseSearch | undefined): SQL | undefined {
  if (!search) return undefined;
  if ("keyHash" in search) return eq(licenses.keyHash, search.keyHash);
  const contains = `%${literalLike(search.text)}%`;
  return or(
    eq(licenses.id, search.text),
    eq(licenses.keyPrefix, search.text),
    ilike(licenses.plan, contains),
    // Sellers kept the customer (name, email, order) in metadata before customers existed.
    ilike(sql`${licenses.metadata}::text`, contains),
    sql`exists (select 1 from ${customers} c where c.id = ${licenses.customerId}
                  and (c.name ilike ${contains} or c.email ilike ${contains} or c.company ilike ${contains}))`,
  );
}

export function listLicenses(
  db: Queryable,
  tenantId: string,
  page: PageRequest,
  filter: { status?: string; applicationId?: string; policyId?: string; customerId?: string; search?: LicenseSearch; now: Date },
): Promise<Page<LicenseRow>> {
  const where = and(
    statusFilter(filter.status, filter.now),
    filter.applicationId ? eq(licenses.applicationId, filter.applicationId) : undefined,
    filter.policyId ? eq(licenses.policyId, filter.policyId) : undefined,
    filter.customerId ? eq(licenses.customerId, filter.customerId) : undefined,
    searchFilter(filter.search),
  );
  return listPage(db, licenses, tenantId, page, where);
}

/** Active licenses whose expiry passed and that were not announced yet, locked (skipping locked ones). */
export function lockUnannouncedExpiries(tx: Tx, now: Date, limit: number): Promise<LicenseRow[]> {
  return tx
    .select()
    .from(licenses)
    .where(and(eq(licenses.status, "active"), lte(licenses.expiresAt, now), isNull(licenses.expiryNotifiedAt)))
    .limit(limit)
    .for("update", { skipLocked: true });
}

export async function markExpiryAnnounced(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.update(licenses).set({ expiryNotifiedAt: now }).where(eq(licenses.id, id));
}

/**
 * Takes one seat if the license is usable and has one free: the count is checked and bumped in
 * one statement on the license row, so concurrent activations hold the row lock only from here to
 * their commit, and refusals hold it not at all. Returns false when no seat was taken.
 */
export async function takeSeat(tx: Tx, licenseId: string, maxActivations: number | null, now: Date): Promise<boolean> {
  const rows = await tx
    .update(licenses)
    .set({ activationCount: sql`${licenses.activationCount} + 1`, updatedAt: now })
    .where(
      and(
        eq(licenses.id, licenseId),
        eq(licenses.status, "active"),
        or(isNull(licenses.expiresAt), gt(licenses.expiresAt, now)),
        maxActivations === null ? undefined : sql`${licenses.activationCount} < ${maxActivations}`,
      ),
    )
    .returning({ id: licenses.id });
  return rows.length > 0;
}

/** Key prefix and customer of some of a tenant's licenses (the metrics' top list names them). */
export async function licenseOwners(db: Queryable, tenantId: string, ids: string[]): Promise<Map<string, { keyPrefix: string; customerId: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: licenses.id, keyPrefix: licenses.keyPrefix, customerId: licenses.customerId })
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), inArray(licenses.id, ids)));
  return new Map(rows.map((r) => [r.id, { keyPrefix: r.keyPrefix, customerId: r.customerId }]));
}
