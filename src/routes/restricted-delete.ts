// DELETE for resources others point at (applications, policies): the foreign keys refuse while
// anything still belongs to the resource, and the route answers 409 then (services/restricted-
// delete.ts). Each route file states its resource; this holds the one way they are declared.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import type { Permission } from "../contract/permissions";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import type { Services } from "../services";
import { errorResponses } from "../wire/common";
import { IdParam } from "./requests/common";

export interface RestrictedDelete {
  path: `/v1/${string}/{id}`;
  operationId: string;
  tag: string;
  /** "Application": in the summary. */
  noun: string;
  idPrefix: string;
  permission: Permission;
  /** The service call that deletes it (404 when unknown, 409 while in use). */
  remove: (services: Services, id: string) => Promise<void>;
}

export const registerRestrictedDelete = (app: App, spec: RestrictedDelete) => {
  const route = createRoute({
    method: "delete",
    path: spec.path,
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: `Delete ${/^[aeiou]/i.test(spec.noun) ? "an" : "a"} ${spec.noun.toLowerCase()}`,
    description: "409 CONFLICT while anything still belongs to it; the error says what to delete or move first.",
    security: [{ bearerAuth: [] }],
    middleware: [apiKeyAuth(), requirePermission(spec.permission)] as const,
    request: { params: IdParam(spec.idPrefix) },
    responses: {
      204: { description: "Deleted" },
      ...errorResponses(401, 403, 404, 409, 422, 429, 503),
    },
  });
  return app.openapi(route, async (c) => {
    await spec.remove(c.var.services, c.req.valid("param").id);
    return c.body(null, 204);
  });
};
