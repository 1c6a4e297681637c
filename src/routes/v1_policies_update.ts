// PATCH /v1/policies/{id}: change any of a policy's rules. Licenses under it follow the new rules
// from their next call. Its application is fixed (licenses carry the same one).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { updatePolicy } from "../db/queries/admin";
import { AppError, notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { IdParam, Policy, policyBody } from "./admin-schemas";
import { PolicyFields, policyColumns } from "./policy-fields";
import { errorResponses, jsonBody } from "./schemas";

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
    const { id } = c.req.valid("param");
    const result = await withChanges(c, async (tx, record) => {
      const updated = await updatePolicy(tx, c.var.auth.tenantId, id, policyColumns(input));
      if (updated.ok) await record({ action: "policy.update", targetType: "policy", targetId: id, details: { fields: Object.keys(input) } });
      return updated;
    });
    if (result.ok) return c.json(policyBody(result.row), 200);
    if (result.reason === "not_found") throw notFound("Policy");
    // The guard refused: the body set one half of the churn pair and the stored other half disagrees.
    const sent = input.max_deactivations !== undefined ? "max_deactivations" : "deactivation_window_s";
    const stored = sent === "max_deactivations" ? "deactivation_window_s" : "max_deactivations";
    throw new AppError("VALIDATION_FAILED", `${CHURN_PAIR} Send ${stored} too.`, {
      details: [{ path: sent, message: `Does not match the stored ${stored}` }],
    });
  });
