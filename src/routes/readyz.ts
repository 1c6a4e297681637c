// Readiness: Postgres answers a query and KV answers a read. 503 otherwise, saying which failed and
// whether the service is degraded (Postgres down: snapshot answers only).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { AppError } from "../errors";
import { errorResponses } from "../wire/common";

const route = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  tags: ["Health"],
  summary: "Readiness probe: Postgres and KV reachable",
  responses: {
    200: {
      description: "Every dependency answered",
      content: {
        "application/json": {
          schema: z.object({
            status: z.literal("ready"),
            checks: z.object({ database: z.literal("ok"), kv: z.literal("ok") }),
          }),
        },
      },
    },
    ...errorResponses(503),
  },
});

export const registerReadyz = (app: App) =>
  app.openapi(route, async (c) => {
    const { database, kv } = await c.var.services.health.readiness();
    if (database !== "ok") {
      c.var.log.warn("degraded", { database, kv });
      throw new AppError(
        "SERVICE_UNAVAILABLE",
        "Postgres is unavailable: validate, verify and validate-hardware answer from the edge's recent VALID answers (degraded); everything else answers 503.",
        { details: { status: "degraded", database, kv }, headers: { "Retry-After": "5" } },
      );
    }
    if (kv !== "ok") {
      c.var.log.warn("not ready", { database, kv });
      throw new AppError("SERVICE_UNAVAILABLE", "A dependency is unavailable.", {
        details: { status: "unavailable", database, kv },
        headers: { "Retry-After": "5" },
      });
    }
    return c.json({ status: "ready" as const, checks: { database, kv } }, 200);
  });
