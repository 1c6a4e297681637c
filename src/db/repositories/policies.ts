// A tenant's policies: the rules its licenses follow. Every function filters on the tenant.
import { and, eq } from "drizzle-orm";
import type { Queryable, Tx } from "../client";
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
    | "proofOfPossession"
    | "maxLeases"
    | "leaseTtlS"
    | "maxBorrowS"
  >
>;

/** A tenant's policy, row-locked for the rest of the transaction (an update merges onto it). */
export async function lockPolicy(tx: Tx, tenantId: string, id: string): Promise<PolicyRow | undefined> {
  const [row] = await tx
    .select()
    .from(policies)
    .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)))
    .for("update");
  return row;
}

/** Writes `changes` to a policy the caller has locked and checked (services/policies.ts). */
export async function updatePolicy(tx: Tx, tenantId: string, id: string, changes: PolicyChanges): Promise<PolicyRow> {
  const [row] = await tx
    .update(policies)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)))
    .returning();
  return row!;
}

/** `in_use` while licenses still follow the policy. */
export const deletePolicy = (db: Queryable, tenantId: string, id: string) =>
  deleteRestricted(() =>
    db
      .delete(policies)
      .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)))
      .returning({ id: policies.id }),
  );
