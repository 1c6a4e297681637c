// Liveness: answers without touching any binding, so it only says "the isolate runs".
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";

const route = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["Health"],
  summary: "Liveness probe (no I/O)",
  responses: {
    200: {
      description: "The worker is running",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

export const registerHealthz = (app: App) => app.openapi(route, (c) => c.json({ status: "ok" as const }, 200));
