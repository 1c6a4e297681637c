// GET /v1/policies/{id}: one policy of the caller's tenant (404 for anyone else's).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { Policy, policyBody } from "../wire/policies";
import { IdParam } from "./requests/common";

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
  app.openapi(route, async (c) => c.json(policyBody(await c.var.services.policies.get(c.req.valid("param").id)), 200));
