// GET /v1/applications: the tenant's applications, newest first.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { Application, applicationBody } from "../wire/applications";
import { errorResponses, pageOf } from "../wire/common";
import { PageQuery } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/applications",
  operationId: "listApplications",
  tags: ["Applications"],
  summary: "List applications",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("applications:read")] as const,
  request: { query: PageQuery },
  responses: {
    200: { description: "A page of applications", content: { "application/json": { schema: pageOf(Application).openapi("ApplicationPage") } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1ApplicationsList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.applications.list({ limit: query.limit, startingAfter: query.starting_after });
    return c.json({ ...page, data: page.data.map(applicationBody) }, 200);
  });
