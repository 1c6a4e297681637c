// Per-request services: a request id, a structured logger bound to it, a database handle that
// connects only when first used, and `defer` for work that must not delay the response.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { newId } from "../crypto/random";
import { connectDb, type DbConnection, httpRows } from "../db/client";
import { createLogger, logRequest } from "../logging";

/**
 * A caller's own correlation id, kept for the logs only. Request ids are always made here: one
 * taken from the request could name an earlier request, or smuggle text into the audit chain.
 */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:=+/-]{1,128}$/;

function clientRequestId(header: string | undefined): string | undefined {
  return header !== undefined && CLIENT_REQUEST_ID.test(header) ? header : undefined;
}

/**
 * Put it first. It answers `X-Request-Id` with a fresh `req_` id on every response; after the
 * response, deferred work runs and then the request's pool is closed, all inside `ctx.waitUntil`.
 *
 * @example
 * app.use(scope());
 * app.get("/x", (c) => { c.var.defer(sendLater()); return c.json(await c.var.db().select()...) });
 */
export const scope = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = Date.now();
    const requestId = newId("req");
    c.set("requestId", requestId);
    c.header("X-Request-Id", requestId);
    const clientId = clientRequestId(c.req.header("X-Request-Id"));
    const log = createLogger(clientId ? { request_id: requestId, client_request_id: clientId } : { request_id: requestId }, c.env.LOG_LEVEL);
    let connection: DbConnection | undefined;
    const deferred: Promise<unknown>[] = [];
    c.set("log", log);
    c.set("db", () => {
      connection ??= connectDb(c.env);
      return connection.db;
    });
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
          Promise.allSettled(deferred).then(() =>
            pool()
              ?.end()
              .catch(() => {}),
          ),
        );
      }
    }
  });
