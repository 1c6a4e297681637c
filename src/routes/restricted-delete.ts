// DELETE for resources others point at (applications, policies): the foreign keys refuse while
// anything still belongs to the resource, and the route answers 409 then. Each route file states
// its resource; this holds the one way they are deleted.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import type { Permission } from "../contract/permissions";
import type { Queryable } from "../db/client";
import { AppError, notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { IdParam } from "./admin-schemas";
import { errorResponses } from "./schemas";

export interface RestrictedDelete {
  path: `/v1/${string}/{id}`;
  operationId: string;
  tag: string;
  /** "Application": in the summary, the 404 and the audit action ("application.delete"). */
  noun: string;
  idPrefix: string;
  permission: Permission;
  remove: (tx: Queryable, tenantId: string, id: string) => Promise<"deleted" | "not_found" | "in_use">;
  /** The 409's message: what still belongs to the resource and what to do. */
  inUse: string;
}

export const registerRestrictedDelete = (app: App, spec: RestrictedDelete) => {
  const type = spec.noun.toLowerCase();
  const route = createRoute({
    method: "delete",
    path: spec.path,
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: `Delete ${/^[aeiou]/i.test(spec.noun) ? "an" : "a"} ${type}`,
    security: [{ bearerAuth: [] }],
    middleware: [apiKeyAuth(), requirePermission(spec.permission)] as const,
    request: { params: IdParam(spec.idPrefix) },
    responses: {
      204: { description: "Deleted" },
      ...errorResponses(401, 403, 404, 409, 422, 429, 503),
    },
  });
  return app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    // A delete refused by the foreign key aborts the transaction: nothing is recorded then.
    const outcome = await withChanges(c, async (tx, record) => {
      const result = await spec.remove(tx, c.var.auth.tenantId, id);
      if (result === "deleted") await record({ action: `${type}.delete`, targetType: type, targetId: id });
      return result;
    });
    switch (outcome) {
      case "not_found":
        throw notFound(spec.noun);
      case "in_use":
        throw new AppError("CONFLICT", spec.inUse);
      case "deleted":
        return c.body(null, 204);
    }
  });
};
