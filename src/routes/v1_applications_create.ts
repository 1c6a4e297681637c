// POST /v1/applications: a product of the tenant; its id is the `aud` of its license tokens.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { Application, applicationBody } from "../wire/applications";
import { errorResponses } from "../wire/common";
import { ApplicationFields } from "./requests/application-fields";
import { jsonBody } from "./requests/common";

const Body = z.strictObject({ name: ApplicationFields.name }).openapi("CreateApplicationRequest");

const route = createRoute({
  method: "post",
  path: "/v1/applications",
  operationId: "createApplication",
  tags: ["Applications"],
  summary: "Create an application",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("applications:write")] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: Application } } },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
  },
});

export const registerV1ApplicationsCreate = (app: App) =>
  app.openapi(route, async (c) => c.json(applicationBody(await c.var.services.applications.create(c.req.valid("json").name)), 201));
