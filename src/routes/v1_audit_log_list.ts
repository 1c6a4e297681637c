// GET /v1/audit-log: the tenant's audit trail, newest first, with each row's chain hashes; filterable
// by action.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { AuditEntry, auditEntryBody } from "../wire/audit";
import { errorResponses, pageOf } from "../wire/common";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({
  action: z
    .string()
    .max(64)
    .regex(/^[a-z_]+(\.[a-z_]+)*$/, "An action such as license.suspend, or a prefix such as license")
    .optional()
    .openapi({ description: "Only this action and the actions under it: `license` finds `license.create`, `license.suspend`, ..." }),
});

const route = createRoute({
  method: "get",
  path: "/v1/audit-log",
  operationId: "listAuditLog",
  tags: ["Audit"],
  summary: "List audit log entries",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("audit:read")] as const,
  request: { query: Query },
  responses: {
    200: { description: "A page of entries", content: { "application/json": { schema: pageOf(AuditEntry).openapi("AuditEntryPage") } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1AuditLogList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.audit.list({ limit: query.limit, startingAfter: query.starting_after }, { action: query.action });
    return c.json({ ...page, data: page.data.map(auditEntryBody) }, 200);
  });
