// GET /v1/policies: the tenant's policies, newest first, filterable by application.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses, pageOf } from "../wire/common";
import { Policy, policyBody } from "../wire/policies";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({
  application_id: z.string().min(1).max(64).optional(),
});

const route = createRoute({
  method: "get",
  path: "/v1/policies",
  operationId: "listPolicies",
  tags: ["Policies"],
  summary: "List policies",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("policies:read")] as const,
  request: { query: Query },
  responses: {
    200: { description: "A page of policies", content: { "application/json": { schema: pageOf(Policy).openapi("PolicyPage") } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1PoliciesList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.policies.list({ limit: query.limit, startingAfter: query.starting_after }, { applicationId: query.application_id });
    return c.json({ ...page, data: page.data.map(policyBody) }, 200);
  });
