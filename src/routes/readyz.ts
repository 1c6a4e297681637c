// Readiness: Postgres answers a query and KV answers a read. 503 (with which one failed) otherwise.
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
    if (database !== "ok" || kv !== "ok") {
      c.var.log.warn("not ready", { database, kv });
      throw new AppError("SERVICE_UNAVAILABLE", "A dependency is unavailable.", {
        details: { database, kv },
        headers: { "Retry-After": "5" },
      });
    }
    return c.json({ status: "ready" as const, checks: { database, kv } }, 200);
  });
