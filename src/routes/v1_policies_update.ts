// PATCH /v1/policies/{id}: change any of a policy's rules. Licenses under it follow the new rules
// from their next call. Its application is fixed (licenses carry the same one).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Policy, policyBody } from "../wire/policies";
import { IdParam } from "./requests/common";
import { PolicyFields, policyColumns } from "./requests/policy-fields";

const CHURN_PAIR = "Set both max_deactivations and deactivation_window_s, or neither.";

const Body = z
  .strictObject({
    name: PolicyFields.name.optional(),
    max_activations: PolicyFields.max_activations.optional(),
    binding_mode: PolicyFields.binding_mode.optional(),
    heartbeat_interval_s: PolicyFields.heartbeat_interval_s.optional(),
    heartbeat_grace_s: PolicyFields.heartbeat_grace_s.optional(),
    token_tier: PolicyFields.token_tier.optional(),
    max_deactivations: PolicyFields.max_deactivations.optional(),
    deactivation_window_s: PolicyFields.deactivation_window_s.optional(),
    bind_on_verify: PolicyFields.bind_on_verify.optional(),
    degraded_grace_s: PolicyFields.degraded_grace_s.optional(),
    offline_ttl_default_s: PolicyFields.offline_ttl_default_s.optional(),
    offline_ttl_max_s: PolicyFields.offline_ttl_max_s.optional(),
    allow_perpetual_offline: PolicyFields.allow_perpetual_offline.optional(),
    offline_outlives_license: PolicyFields.offline_outlives_license.optional(),
    lease_mode: PolicyFields.lease_mode.optional(),
    proof_of_possession: PolicyFields.proof_of_possession.optional(),
    max_leases: PolicyFields.max_leases.optional(),
    max_users: PolicyFields.max_users.optional(),
    lease_ttl_s: PolicyFields.lease_ttl_s.optional(),
    max_borrow_s: PolicyFields.max_borrow_s.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  // Both halves in one body: checked here. One half alone: checked against the stored other half.
  .refine(
    (b) => b.max_deactivations === undefined || b.deactivation_window_s === undefined || (b.max_deactivations === null) === (b.deactivation_window_s === null),
    { message: CHURN_PAIR, path: ["deactivation_window_s"] },
  )
  .openapi("UpdatePolicyRequest", { minProperties: 1 });

export default operation({
  method: "patch",
  path: "/v1/policies/{id}",
  operationId: "updatePolicy",
  audience: "admin",
  permission: "policies:write",
  tags: ["Policies"],
  summary: "Update a policy",
  request: { params: IdParam("pol"), body: Body },
  responses: { 200: { description: "Updated", schema: Policy } },
  errors: ["NOT_FOUND"],
  handler: async ({ body, params }, { services }) => {
    const row = await services.policies.update(params.id, policyColumns(body), Object.keys(body));
    return reply(200, policyBody(row));
  },
});
