// POST /v1/applications: a product of the tenant; its id is the `aud` of its license tokens.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { newId } from "../crypto/random";
import { applications } from "../db/schema";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { Application, applicationBody } from "./admin-schemas";
import { ApplicationFields } from "./application-fields";
import { errorResponses, jsonBody } from "./schemas";

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
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const row = await withChanges(c, async (tx, record) => {
      const [created] = await tx
        .insert(applications)
        .values({ id: newId("app"), tenantId: c.var.auth.tenantId, name: input.name })
        .returning();
      await record({ action: "application.create", targetType: "application", targetId: created!.id, details: { name: input.name } });
      return created!;
    });
    return c.json(applicationBody(row), 201);
  });
