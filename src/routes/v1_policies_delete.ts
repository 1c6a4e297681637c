// DELETE /v1/policies/{id}: remove a policy no license follows any more (409 while one does).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { withChanges } from "../services/changes";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { deletePolicy } from "../db/queries/admin";
import { AppError, notFound } from "../errors";
import { errorResponses } from "./schemas";
import { IdParam } from "./admin-schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/policies/{id}",
  tags: ["Policies"],
  summary: "Delete a policy",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("policies:write")] as const,
  request: { params: IdParam("pol") },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(401, 403, 404, 409, 429, 503),
  },
});

export const registerV1PoliciesDelete = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    // A delete refused by the foreign key aborts the transaction: nothing is recorded then.
    const outcome = await withChanges(c, async (tx, record) => {
      const result = await deletePolicy(tx, c.var.auth.tenantId, id);
      if (result === "deleted") await record({ action: "policy.delete", targetType: "policy", targetId: id });
      return result;
    });
    switch (outcome) {
      case "not_found":
        throw notFound("Policy");
      case "in_use":
        throw new AppError("CONFLICT", "Licenses still follow this policy; move them to another policy or delete them first.");
      case "deleted":
        return c.body(null, 204);
    }
  });
