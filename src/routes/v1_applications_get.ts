// GET /v1/applications/{id}: one application of the caller's tenant (404 for anyone else's).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { Application, applicationBody } from "../wire/applications";
import { errorResponses } from "../wire/common";
import { IdParam } from "./requests/common";

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
  app.openapi(route, async (c) => c.json(applicationBody(await c.var.services.applications.get(c.req.valid("param").id)), 200));
