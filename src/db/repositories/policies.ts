// A tenant's policies: the rules its licenses follow. Every function filters on the tenant.
import { and, type Column, eq, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../client";
import { policies } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";
import { deleteRestricted } from "./restricted-delete";

export type PolicyRow = typeof policies.$inferSelect;

export async function getPolicy(db: Queryable, tenantId: string, id: string): Promise<PolicyRow | undefined> {
  const [row] = await db
    .select()
    .from(policies)
    .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)));
  return row;
}

export async function insertPolicy(db: Queryable, values: typeof policies.$inferInsert): Promise<PolicyRow> {
  const [row] = await db.insert(policies).values(values).returning();
  return row!;
}

export const listPolicies = (db: Queryable, tenantId: string, page: PageRequest, filter: { applicationId?: string }): Promise<Page<PolicyRow>> =>
  listPage(db, policies, tenantId, page, filter.applicationId ? eq(policies.applicationId, filter.applicationId) : undefined);

/** The policy columns an update may write (not its id, tenant, application or timestamps). */
export type PolicyChanges = Partial<
  Pick<
    typeof policies.$inferInsert,
    | "name"
    | "maxActivations"
    | "bindingMode"
    | "heartbeatIntervalS"
    | "heartbeatGraceS"
    | "tokenTier"
    | "maxDeactivations"
    | "deactivationWindowS"
    | "bindOnVerify"
    | "degradedGraceS"
    | "offlineTtlDefaultS"
    | "offlineTtlMaxS"
    | "allowPerpetualOffline"
    | "offlineOutlivesLicense"
    | "leaseMode"
    | "maxLeases"
    | "leaseTtlS"
    | "maxBorrowS"
  >
>;

/**
 * The churn budget is a pair: `max_deactivations` and `deactivation_window_s` are both null or both
 * set. When a change writes only one of them, the other must already be null or set to match; the
 * condition sits in the UPDATE itself so a concurrent change to the other half cannot slip between.
 */
function churnPairGuard(changes: PolicyChanges): SQL | undefined {
  const half = (value: number | null | undefined, other: Column) => (value === null ? isNull(other) : isNotNull(other));
  const setsMax = changes.maxDeactivations !== undefined;
  const setsWindow = changes.deactivationWindowS !== undefined;
  if (setsMax && !setsWindow) return half(changes.maxDeactivations, policies.deactivationWindowS);
  if (setsWindow && !setsMax) return half(changes.deactivationWindowS, policies.maxDeactivations);
  return undefined;
}

/** License files' default lifetime may not pass their maximum, whichever half changes. */
function offlineTtlGuard(changes: PolicyChanges): SQL | undefined {
  if (changes.offlineTtlDefaultS === undefined && changes.offlineTtlMaxS === undefined) return undefined;
  return sql`${changes.offlineTtlDefaultS ?? policies.offlineTtlDefaultS} <= ${changes.offlineTtlMaxS ?? policies.offlineTtlMaxS}`;
}

/**
 * Applies `changes` unless that would split the churn pair, or put the offline default past the
 * maximum. Both churn halves given together are the caller's to validate.
 */
export async function updatePolicy(
  db: Queryable,
  tenantId: string,
  id: string,
  changes: PolicyChanges,
): Promise<{ ok: true; row: PolicyRow } | { ok: false; reason: "not_found" | "churn_pair_split" | "offline_ttl_order" }> {
  const [row] = await db
    .update(policies)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id), churnPairGuard(changes), offlineTtlGuard(changes)))
    .returning();
  if (row) return { ok: true, row };
  // Nothing matched: either there is no such policy here, or a guard refused the change.
  const current = await getPolicy(db, tenantId, id);
  if (!current) return { ok: false, reason: "not_found" };
  const ttlOrdered = (changes.offlineTtlDefaultS ?? current.offlineTtlDefaultS) <= (changes.offlineTtlMaxS ?? current.offlineTtlMaxS);
  return { ok: false, reason: ttlOrdered ? "churn_pair_split" : "offline_ttl_order" };
}

/** `in_use` while licenses still follow the policy. */
export const deletePolicy = (db: Queryable, tenantId: string, id: string) =>
  deleteRestricted(() =>
    db
      .delete(policies)
      .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)))
      .returning({ id: policies.id }),
  );
