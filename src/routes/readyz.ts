// Readiness: Postgres answers a query and KV answers a read. 503 (with which one failed) otherwise.
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { App } from "../app";
import { AppError } from "../errors";
import { errorResponses } from "./schemas";

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

const CHECK_TIMEOUT_MS = 3_000;

async function probe(work: () => Promise<unknown>): Promise<"ok" | "unavailable"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([work(), timeout]);
    return "ok";
  } catch {
    return "unavailable";
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export const registerReadyz = (app: App) =>
  app.openapi(route, async (c) => {
    const [database, kv] = await Promise.all([probe(() => c.var.db().execute(sql`select 1`)), probe(() => c.env.REVOCATIONS.get("readyz"))]);
    if (database !== "ok" || kv !== "ok") {
      c.var.log.warn("not ready", { database, kv });
      throw new AppError("SERVICE_UNAVAILABLE", "A dependency is unavailable.", {
        details: { database, kv },
        headers: { "Retry-After": "5" },
      });
    }
    return c.json({ status: "ready" as const, checks: { database, kv } }, 200);
  });
