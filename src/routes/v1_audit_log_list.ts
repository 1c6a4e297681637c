// GET /v1/audit-log: the tenant's audit trail, newest first, with each row's chain hashes; filterable
// by action.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { AuditEntry, auditEntryBody } from "../wire/audit";
import { pageOf } from "../wire/common";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({
  action: z
    .string()
    .max(64)
    .regex(/^[a-z_]+(\.[a-z_]+)*$/, "An action such as license.suspend, or a prefix such as license")
    .optional()
    .openapi({ description: "Only this action and the actions under it: `license` finds `license.create`, `license.suspend`, ..." }),
});

export default operation({
  method: "get",
  path: "/v1/audit-log",
  operationId: "listAuditLog",
  audience: "admin",
  permission: "audit:read",
  tags: ["Audit"],
  summary: "List audit log entries",
  request: { query: Query },
  responses: { 200: { description: "A page of entries", schema: pageOf(AuditEntry).openapi("AuditEntryPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.audit.list({ limit: query.limit, startingAfter: query.starting_after }, { action: query.action });
    return reply(200, { ...page, data: page.data.map(auditEntryBody) });
  },
});
