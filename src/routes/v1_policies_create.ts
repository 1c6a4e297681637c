// POST /v1/policies: the rules a license follows (seats, binding, heartbeats, token tier, churn).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { OFFLINE_TTL_ORDER } from "../services/policies";
import { errorResponses } from "../wire/common";
import { Policy, policyBody } from "../wire/policies";
import { jsonBody } from "./requests/common";
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
    max_leases: PolicyFields.max_leases.default(null),
    lease_ttl_s: PolicyFields.lease_ttl_s.default(600),
    max_borrow_s: PolicyFields.max_borrow_s.default(7 * 86400),
  })
  .refine((b) => b.offline_ttl_default_s <= b.offline_ttl_max_s, { message: OFFLINE_TTL_ORDER, path: ["offline_ttl_default_s"] })
  .refine((b) => (b.max_deactivations === null) === (b.deactivation_window_s === null), {
    message: "Set both max_deactivations and deactivation_window_s, or neither.",
    path: ["deactivation_window_s"],
  })
  .openapi("CreatePolicyRequest");

const route = createRoute({
  method: "post",
  path: "/v1/policies",
  operationId: "createPolicy",
  tags: ["Policies"],
  summary: "Create a policy",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("policies:write")] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: Policy } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1PoliciesCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const row = await c.var.services.policies.create({ ...policyColumns(input), name: input.name, applicationId: input.application_id ?? null });
    return c.json(policyBody(row), 201);
  });
