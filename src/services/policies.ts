// A tenant's policies: seats, binding mode, heartbeats, token tier and churn budget.
import { newId } from "../crypto/random";
import { getApplication } from "../db/repositories/applications";
import type { PageRequest } from "../db/repositories/pagination";
import { deletePolicy, getPolicy, insertPolicy, listPolicies, type PolicyChanges, type PolicyRow, updatePolicy } from "../db/repositories/policies";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";
import { deleteRestricted } from "./restricted-delete";

export const CHURN_PAIR = "Set both max_deactivations and deactivation_window_s, or neither.";
export const OFFLINE_TTL_ORDER = "offline_ttl_default_s may not exceed offline_ttl_max_s.";

const offlineTtlOrder = (path: string) => new AppError("VALIDATION_FAILED", OFFLINE_TTL_ORDER, { details: [{ path, message: OFFLINE_TTL_ORDER }] });

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

    /**
     * Applies `changesTo` unless it would split the churn pair (one half sent, the stored other
     * half disagreeing): then 422 naming the half to send too.
     */
    async update(id: string, changesTo: PolicyChanges, fields: string[]): Promise<PolicyRow> {
      const result = await changes(async (tx, record) => {
        const updated = await updatePolicy(tx, tenantId(), id, changesTo);
        if (updated.ok) await record({ action: "policy.update", targetType: "policy", targetId: id, details: { fields } });
        return updated;
      });
      if (result.ok) return result.row;
      if (result.reason === "not_found") throw notFound("Policy");
      if (result.reason === "offline_ttl_order")
        throw offlineTtlOrder(changesTo.offlineTtlDefaultS !== undefined ? "offline_ttl_default_s" : "offline_ttl_max_s");
      const sent = changesTo.maxDeactivations !== undefined ? "max_deactivations" : "deactivation_window_s";
      const stored = sent === "max_deactivations" ? "deactivation_window_s" : "max_deactivations";
      throw new AppError("VALIDATION_FAILED", `${CHURN_PAIR} Send ${stored} too.`, {
        details: [{ path: sent, message: `Does not match the stored ${stored}` }],
      });
    },

    /** 409 while licenses still follow it. */
    remove: (id: string) =>
      deleteRestricted(changes, id, {
        noun: "Policy",
        inUse: "Licenses still follow this policy; move them to another policy first (licenses are revoked, never deleted).",
        remove: (tx) => deletePolicy(tx, tenantId(), id),
      }),
  };
}
