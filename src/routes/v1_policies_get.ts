// GET /v1/policies/{id}: one policy of the caller's tenant (404 for anyone else's).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { getPolicy } from "../db/queries/admin";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { IdParam, Policy, policyBody } from "./admin-schemas";
import { errorResponses } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/policies/{id}",
  operationId: "getPolicy",
  tags: ["Policies"],
  summary: "Get a policy",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("policies:read")] as const,
  request: { params: IdParam("pol") },
  responses: {
    200: { description: "The policy", content: { "application/json": { schema: Policy } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1PoliciesGet = (app: App) =>
  app.openapi(route, async (c) => {
    const row = await getPolicy(c.var.db(), c.var.auth.tenantId, c.req.valid("param").id);
    if (!row) throw notFound("Policy");
    return c.json(policyBody(row), 200);
  });
