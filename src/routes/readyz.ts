// GET /readyz: readiness. Postgres answers a query and KV answers a read; 503 otherwise, saying
// which failed and whether the service is degraded (Postgres down: snapshot answers only).
import { z } from "@hono/zod-openapi";
import { AppError } from "../errors";
import { operation, reply } from "../middleware/operation";

const Ready = z.object({ status: z.literal("ready"), checks: z.object({ database: z.literal("ok"), kv: z.literal("ok") }) });

export default operation({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  audience: "health",
  tags: ["Health"],
  summary: "Readiness probe: Postgres and KV reachable",
  responses: { 200: { description: "Every dependency answered", schema: Ready } },
  handler: async (_, { services, raw }) => {
    const { database, kv } = await services.health.readiness();
    if (database !== "ok") {
      raw.var.log.warn("degraded", { database, kv });
      throw new AppError(
        "SERVICE_UNAVAILABLE",
        "Postgres is unavailable: validate, verify and validate-hardware answer from the edge's recent VALID answers (degraded); everything else answers 503.",
        { details: { status: "degraded", database, kv }, headers: { "Retry-After": "5" } },
      );
    }
    if (kv !== "ok") {
      raw.var.log.warn("not ready", { database, kv });
      throw new AppError("SERVICE_UNAVAILABLE", "A dependency is unavailable.", {
        details: { status: "unavailable", database, kv },
        headers: { "Retry-After": "5" },
      });
    }
    return reply(200, { status: "ready" as const, checks: { database, kv } });
  },
});
