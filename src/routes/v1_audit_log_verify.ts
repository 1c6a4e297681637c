// GET /v1/audit-log/verify: recomputes the tenant's hash chain and reports the first broken row.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";

const Report = z
  .object({
    ok: z.boolean(),
    count: z.number().int().openapi({ description: "Rows verified before the first break (all rows when ok)" }),
    broken_at: z.object({ seq: z.number().int(), id: z.string(), reason: z.enum(["sequence_gap", "prev_hash_mismatch", "hash_mismatch"]) }).optional(),
  })
  .openapi("AuditChainReport");

const route = createRoute({
  method: "get",
  path: "/v1/audit-log/verify",
  operationId: "verifyAuditLog",
  tags: ["Audit"],
  summary: "Verify the audit log's hash chain",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("audit:read")] as const,
  responses: {
    200: { description: "`{ ok: true, count }`, or the first broken row", content: { "application/json": { schema: Report } } },
    ...errorResponses(401, 403, 429, 503),
  },
});

export const registerV1AuditLogVerify = (app: App) => app.openapi(route, async (c) => c.json(await c.var.services.audit.verify(), 200));
