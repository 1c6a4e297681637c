// POST /v1/policies: the rules a license follows (seats, binding, heartbeats, token tier, churn).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { OFFLINE_TTL_ORDER } from "../services/policies";
import { Policy, policyBody } from "../wire/policies";
import { PolicyFields, policyColumns } from "./requests/policy-fields";

const Body = z
  .strictObject({
    application_id: z.string().min(1).max(64).optional(),
    name: PolicyFields.name,
    max_activations: PolicyFields.max_activations.default(null),
    binding_mode: PolicyFields.binding_mode.default("none"),
    heartbeat_interval_s: PolicyFields.heartbeat_interval_s.default(null),
    heartbeat_grace_s: PolicyFields.heartbeat_grace_s.default(0),
    token_tier: PolicyFields.token_tier.default("basic"),
    max_deactivations: PolicyFields.max_deactivations.default(null),
    deactivation_window_s: PolicyFields.deactivation_window_s.default(null),
    bind_on_verify: PolicyFields.bind_on_verify.default(false),
    degraded_grace_s: PolicyFields.degraded_grace_s.default(3600),
    offline_ttl_default_s: PolicyFields.offline_ttl_default_s.default(30 * 86400),
    offline_ttl_max_s: PolicyFields.offline_ttl_max_s.default(365 * 86400),
    allow_perpetual_offline: PolicyFields.allow_perpetual_offline.default(false),
    offline_outlives_license: PolicyFields.offline_outlives_license.default(false),
    lease_mode: PolicyFields.lease_mode.default("none"),
    proof_of_possession: PolicyFields.proof_of_possession.default("none"),
    max_leases: PolicyFields.max_leases.default(null),
    max_users: PolicyFields.max_users.default(null),
    lease_ttl_s: PolicyFields.lease_ttl_s.default(600),
    max_borrow_s: PolicyFields.max_borrow_s.default(7 * 86400),
  })
  .refine((b) => b.offline_ttl_default_s <= b.offline_ttl_max_s, { message: OFFLINE_TTL_ORDER, path: ["offline_ttl_default_s"] })
  .refine((b) => (b.max_deactivations === null) === (b.deactivation_window_s === null), {
    message: "Set both max_deactivations and deactivation_window_s, or neither.",
    path: ["deactivation_window_s"],
  })
  .openapi("CreatePolicyRequest");

export default operation({
  method: "post",
  path: "/v1/policies",
  operationId: "createPolicy",
  audience: "admin",
  permission: "policies:write",
  tags: ["Policies"],
  summary: "Create a policy",
  request: { body: Body },
  responses: { 201: { description: "Created", schema: Policy } },
  errors: ["NOT_FOUND"],
  handler: async ({ body }, { services }) => {
    const row = await services.policies.create({ ...policyColumns(body), name: body.name, applicationId: body.application_id ?? null });
    return reply(201, policyBody(row));
  },
});
