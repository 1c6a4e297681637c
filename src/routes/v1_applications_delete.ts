// DELETE /v1/applications/{id}: remove an application nothing uses any more. While policies or
// licenses still belong to it the foreign keys refuse, and so does this route (409).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { withChanges } from "../services/changes";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { deleteApplication } from "../db/queries/admin";
import { AppError, notFound } from "../errors";
import { errorResponses } from "./schemas";
import { IdParam } from "./admin-schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/applications/{id}",
  tags: ["Applications"],
  summary: "Delete an application",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("applications:write")] as const,
  request: { params: IdParam("app") },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(401, 403, 404, 409, 429, 503),
  },
});

export const registerV1ApplicationsDelete = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    // A delete refused by the foreign key aborts the transaction: nothing is recorded then.
    const outcome = await withChanges(c, async (tx, record) => {
      const result = await deleteApplication(tx, c.var.auth.tenantId, id);
      if (result === "deleted") await record({ action: "application.delete", targetType: "application", targetId: id });
      return result;
    });
    switch (outcome) {
      case "not_found":
        throw notFound("Application");
      case "in_use":
        throw new AppError("CONFLICT", "The application still has policies or licenses; delete those first.");
      case "deleted":
        return c.body(null, 204);
    }
  });
