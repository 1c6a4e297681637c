// Tenant-scoped reads and writes for the admin API. Every function takes the tenant id and filters
// on it: another tenant's id simply finds nothing (404 upstream).
import { and, type Column, eq, isNotNull, isNull, type SQL } from "drizzle-orm";
import { postgresCode, type Queryable } from "../client";
import { apiKeys, applications, licenses, policies } from "../schema";

export async function getApplication(db: Queryable, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(applications)
    .where(and(eq(applications.tenantId, tenantId), eq(applications.id, id)));
  return row;
}

export async function getPolicy(db: Queryable, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(policies)
    .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)));
  return row;
}

export async function getLicense(db: Queryable, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, id)));
  return row;
}

export type PolicyRow = typeof policies.$inferSelect;
export type LicenseRow = typeof licenses.$inferSelect;
export type ApplicationRow = typeof applications.$inferSelect;

/**
 * What deleting a row that others may still reference (`ON DELETE RESTRICT`) came to: a value, so
 * the route picks the status. `in_use` means the row exists in this tenant and something points at it.
 */
export type DeleteOutcome = "deleted" | "not_found" | "in_use";

/**
 * True when Postgres refused a delete because rows still reference it, possibly wrapped by drizzle:
 * `ON DELETE RESTRICT` raises restrict_violation (23001), `NO ACTION` foreign_key_violation (23503).
 */
function isStillReferenced(err: unknown): boolean {
  const code = postgresCode(err);
  return code === "23001" || code === "23503";
}

/**
 * Deletes in one statement and lets the foreign keys decide: a check-then-delete would race a
 * license created in between, while the constraint cannot be raced.
 */
async function deleteRestricted(run: () => Promise<unknown[]>): Promise<DeleteOutcome> {
  try {
    return (await run()).length > 0 ? "deleted" : "not_found";
  } catch (err) {
    if (isStillReferenced(err)) return "in_use";
    throw err;
  }
}

export async function updateApplication(db: Queryable, tenantId: string, id: string, values: { name?: string }) {
  const [row] = await db
    .update(applications)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(applications.tenantId, tenantId), eq(applications.id, id)))
    .returning();
  return row;
}

/** `in_use` while policies or licenses still belong to the application. */
export const deleteApplication = (db: Queryable, tenantId: string, id: string) =>
  deleteRestricted(() =>
    db
      .delete(applications)
      .where(and(eq(applications.tenantId, tenantId), eq(applications.id, id)))
      .returning({ id: applications.id }),
  );

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

/**
 * Applies `changes` unless that would split the churn pair. Both halves given together are the
 * caller's to validate.
 */
export async function updatePolicy(
  db: Queryable,
  tenantId: string,
  id: string,
  changes: PolicyChanges,
): Promise<{ ok: true; row: PolicyRow } | { ok: false; reason: "not_found" | "churn_pair_split" }> {
  const [row] = await db
    .update(policies)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id), churnPairGuard(changes)))
    .returning();
  if (row) return { ok: true, row };
  // Nothing matched: either there is no such policy here, or the guard refused the change.
  return { ok: false, reason: (await getPolicy(db, tenantId, id)) ? "churn_pair_split" : "not_found" };
}

/** `in_use` while licenses still follow the policy. */
export const deletePolicy = (db: Queryable, tenantId: string, id: string) =>
  deleteRestricted(() =>
    db
      .delete(policies)
      .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)))
      .returning({ id: policies.id }),
  );

export async function getApiKey(db: Queryable, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), eq(apiKeys.kind, "api_key")));
  return row;
}
