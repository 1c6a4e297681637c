// PATCH /v1/applications/{id}: rename an application. Its id (the token `aud`) never changes.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { Application, applicationBody } from "../wire/applications";
import { errorResponses } from "../wire/common";
import { ApplicationFields } from "./requests/application-fields";
import { IdParam, jsonBody } from "./requests/common";

const Body = z
  .strictObject({ name: ApplicationFields.name.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateApplicationRequest", { minProperties: 1 });

const route = createRoute({
  method: "patch",
  path: "/v1/applications/{id}",
  operationId: "updateApplication",
  tags: ["Applications"],
  summary: "Update an application",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("applications:write")] as const,
  request: { params: IdParam("app"), body: jsonBody(Body) },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: Application } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1ApplicationsUpdate = (app: App) =>
  app.openapi(route, async (c) => {
    const row = await c.var.services.applications.update(c.req.valid("param").id, c.req.valid("json"));
    return c.json(applicationBody(row), 200);
  });
