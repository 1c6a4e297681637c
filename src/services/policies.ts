// A tenant's policies: seats, binding mode, heartbeats, token tier and churn budget.
import { newId } from "../crypto/random";
import { getApplication } from "../db/repositories/applications";
import type { PageRequest } from "../db/repositories/pagination";
import { deletePolicy, getPolicy, insertPolicy, listPolicies, lockPolicy, type PolicyChanges, type PolicyRow, updatePolicy } from "../db/repositories/policies";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";
import { deleteRestricted } from "./restricted-delete";

export const CHURN_PAIR = "Set both max_deactivations and deactivation_window_s, or neither.";
export const OFFLINE_TTL_ORDER = "offline_ttl_default_s may not exceed offline_ttl_max_s.";

const invalid = (path: string, message: string) => new AppError("VALIDATION_FAILED", message, { details: [{ path, message }] });

/**
 * The rules between fields, on the policy as it would be after the change (the stored row with the
 * change merged in), so no database CHECK is ever the first to refuse (a 500): 422 naming the
 * field the caller sent.
 */
export function checkPolicyRules(merged: PolicyRow, sent: PolicyChanges): void {
  if ((merged.maxDeactivations === null) !== (merged.deactivationWindowS === null)) {
    const half = sent.maxDeactivations !== undefined ? "max_deactivations" : "deactivation_window_s";
    const other = half === "max_deactivations" ? "deactivation_window_s" : "max_deactivations";
    throw new AppError("VALIDATION_FAILED", `${CHURN_PAIR} Send ${other} too.`, { details: [{ path: half, message: `Does not match the stored ${other}` }] });
  }
  if (merged.offlineTtlDefaultS > merged.offlineTtlMaxS) {
    throw invalid(sent.offlineTtlDefaultS !== undefined ? "offline_ttl_default_s" : "offline_ttl_max_s", OFFLINE_TTL_ORDER);
  }
}

export function policyService(deps: ServiceDeps, changes: ChangeRunner) {
  const tenantId = () => requireActor(deps).tenantId;
  return {
    async create(input: PolicyChanges & { name: string; applicationId: string | null }): Promise<PolicyRow> {
      if (input.applicationId && !(await getApplication(deps.db(), tenantId(), input.applicationId))) throw notFound("Application");
      return changes(async (tx, record) => {
        const row = await insertPolicy(tx, { ...input, id: newId("pol"), tenantId: tenantId() });
        await record({ action: "policy.create", targetType: "policy", targetId: row.id, details: { name: input.name } });
        return row;
      });
    },

    async get(id: string): Promise<PolicyRow> {
      const row = await getPolicy(deps.db(), tenantId(), id);
      if (!row) throw notFound("Policy");
      return row;
    },

    list: (page: PageRequest, filter: { applicationId?: string }) => listPolicies(deps.db(), tenantId(), page, filter),

    /** Applies `changesTo` to the locked policy once the merged row keeps every rule between fields (else 422). */
    update: (id: string, changesTo: PolicyChanges, fields: string[]): Promise<PolicyRow> =>
      changes(async (tx, record) => {
        const current = await lockPolicy(tx, tenantId(), id);
        if (!current) throw notFound("Policy");
        // Fields left out of the change read as stored (undefined means "unchanged", never "cleared").
        const sent = Object.fromEntries(Object.entries(changesTo).filter(([, v]) => v !== undefined));
        checkPolicyRules({ ...current, ...sent }, changesTo);
        const updated = await updatePolicy(tx, tenantId(), id, changesTo);
        // Snapshots of this policy's licenses taken before now are no longer served in an outage.
        await record({ action: "policy.update", targetType: "policy", targetId: id, details: { fields }, affects: { policyId: id } });
        return updated;
      }),

    /** 409 while licenses still follow it. */
    remove: (id: string) =>
      deleteRestricted(changes, id, {
        noun: "Policy",
        inUse: "Licenses still follow this policy; move them to another policy first (licenses are revoked, never deleted).",
        remove: (tx) => deletePolicy(tx, tenantId(), id),
      }),
  };
}
