// PATCH /v1/applications/{id}: rename an application. Its id (the token `aud`) never changes.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { updateApplication } from "../db/queries/admin";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { Application, applicationBody, IdParam } from "./admin-schemas";
import { ApplicationFields } from "./application-fields";
import { errorResponses, jsonBody } from "./schemas";

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
    const input = c.req.valid("json");
    const { id } = c.req.valid("param");
    const row = await withChanges(c, async (tx, record) => {
      const updated = await updateApplication(tx, c.var.auth.tenantId, id, { name: input.name });
      if (!updated) throw notFound("Application");
      await record({ action: "application.update", targetType: "application", targetId: id, details: { name: input.name } });
      return updated;
    });
    return c.json(applicationBody(row), 200);
  });
