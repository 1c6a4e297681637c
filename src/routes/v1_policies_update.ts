// PATCH /v1/policies/{id}: change any of a policy's rules. Licenses under it follow the new rules
// from their next call. Its application is fixed (licenses carry the same one).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { Policy, policyBody } from "../wire/policies";
import { IdParam, jsonBody } from "./requests/common";
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
    max_leases: PolicyFields.max_leases.optional(),
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

const route = createRoute({
  method: "patch",
  path: "/v1/policies/{id}",
  operationId: "updatePolicy",
  tags: ["Policies"],
  summary: "Update a policy",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("policies:write")] as const,
  request: { params: IdParam("pol"), body: jsonBody(Body) },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: Policy } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1PoliciesUpdate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const row = await c.var.services.policies.update(c.req.valid("param").id, policyColumns(input), Object.keys(input));
    return c.json(policyBody(row), 200);
  });
