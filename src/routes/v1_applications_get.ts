// GET /v1/applications/{id}: one application of the caller's tenant (404 for anyone else's).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { getApplication } from "../db/queries/admin";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { Application, applicationBody, IdParam } from "./admin-schemas";
import { errorResponses } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/applications/{id}",
  operationId: "getApplication",
  tags: ["Applications"],
  summary: "Get an application",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("applications:read")] as const,
  request: { params: IdParam("app") },
  responses: {
    200: { description: "The application", content: { "application/json": { schema: Application } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1ApplicationsGet = (app: App) =>
  app.openapi(route, async (c) => {
    const row = await getApplication(c.var.db(), c.var.auth.tenantId, c.req.valid("param").id);
    if (!row) throw notFound("Application");
    return c.json(applicationBody(row), 200);
  });
