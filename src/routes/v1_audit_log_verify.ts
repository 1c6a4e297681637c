// GET /v1/audit-log/verify: recomputes the tenant's hash chain and reports the first broken row.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";

const Report = z
  .object({
    ok: z.boolean(),
    count: z.number().int().openapi({ description: "Rows verified before the first break (all rows when ok)" }),
    broken_at: z.object({ seq: z.number().int(), id: z.string(), reason: z.enum(["sequence_gap", "prev_hash_mismatch", "hash_mismatch"]) }).optional(),
  })
  .openapi("AuditChainReport");

export default operation({
  method: "get",
  path: "/v1/audit-log/verify",
  operationId: "verifyAuditLog",
  audience: "admin",
  permission: "audit:read",
  tags: ["Audit"],
  summary: "Verify the audit log's hash chain",
  responses: { 200: { description: "`{ ok: true, count }`, or the first broken row", schema: Report } },
  handler: async (_, { services }) => reply(200, await services.audit.verify()),
});
