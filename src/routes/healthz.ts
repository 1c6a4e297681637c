// GET /healthz: liveness. Answers without touching any binding, so it only says "the isolate runs".
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";

export default operation({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  audience: "health",
  tags: ["Health"],
  summary: "Liveness probe (no I/O)",
  responses: { 200: { description: "The worker is running", schema: z.object({ status: z.literal("ok") }) } },
  handler: () => reply(200, { status: "ok" as const }),
});
