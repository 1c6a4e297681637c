// Per-request services: a structured logger bound to the request id, a database handle that
// connects only when first used, and `defer` for work that must not delay the response.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { connectDb, httpRows, type DbConnection } from "../db/client";
import { createLogger, logRequest } from "../logging";

/**
 * Put it right after the request-id middleware. After the response, deferred work runs and then
 * the request's pool is closed, all inside `ctx.waitUntil`.
 *
 * @example
 * app.use(requestId(), scope());
 * app.get("/x", (c) => { c.var.defer(sendLater()); return c.json(await c.var.db().select()...) });
 */
export const scope = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = Date.now();
    const log = createLogger({ request_id: c.var.requestId }, c.env.LOG_LEVEL);
    let connection: DbConnection | undefined;
    const deferred: Promise<unknown>[] = [];
    c.set("log", log);
    c.set("db", () => (connection ??= connectDb(c.env)).db);
    c.set("rows", () => httpRows(c.env));
    c.set("defer", (work) => {
      deferred.push(work.catch((err) => log.error("deferred work failed", { error: err })));
    });
    try {
      await next();
    } finally {
      logRequest(log, { method: c.req.method, path: c.req.path, status: c.res.status, duration_ms: Date.now() - started });
      if (connection || deferred.length > 0) {
        const pool = () => connection?.pool;
        c.executionCtx.waitUntil(
          Promise.allSettled(deferred).then(() => pool()?.end().catch(() => {})),
        );
      }
    }
  });
