// The request scope: a request id, a structured logger bound to it, and the request's services
// (src/services) over a database handle that connects only when first used, with `defer` for
// work that must not delay the response. The scheduled handler opens the same scope.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { serviceConfig } from "../config";
import type { ActivityDraft } from "../contract/activity";
import { newId } from "../crypto/random";
import { connectDb, type DbBudget, type DbConnection, type Deadline, deadlineIn, httpRows } from "../db/client";
import { createLogger, type Logger, logRequest } from "../logging";
import { type Actor, createServices, type Services } from "../services";
import { activityRecorder } from "../services/activity/recorder";
import { activityStore } from "../services/activity/store";
import { cacheSnapshots } from "../services/degraded";
import { type ProofSource, requestProof } from "../services/device-proof";
import { createRecorder } from "../services/metrics/recorder";
import { metricsStore } from "../services/metrics/store";
import { serializeEvent } from "../wire/events";
import { activityDraft, type MetricContext, metricPoint, observe } from "./metrics";

declare module "hono" {
  interface ContextVariableMap {
    /** This request's `req_...` id (X-Request-Id, error bodies, logs). */
    requestId: string;
    /** The structured logger bound to the request id. */
    log: Logger;
    /** The request's services (src/services), built by this middleware. */
    services: Services;
    /** The request's usage metric, filled in as it runs (middleware/metrics.ts). */
    metric: MetricContext;
    /** The database budget the operation's audience chose (middleware/audiences.ts); admin when unset. */
    budget?: DbBudget;
  }
}

/**
 * A caller's own correlation id, kept for the logs only. Request ids are always made here: one
 * taken from the request could name an earlier request, or smuggle text into the audit chain.
 */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:=+/-]{1,128}$/;

function clientRequestId(header: string | undefined): string | undefined {
  return header !== undefined && CLIENT_REQUEST_ID.test(header) ? header : undefined;
}

export interface Scope {
  services: Services;
  /** Hands a finished request's data point to the metrics store, after the response. */
  record: ReturnType<typeof createRecorder>["record"];
  /** Hands a finished request's activity event to the activity store, after the response. */
  recordActivity: (draft: ActivityDraft) => Promise<void>;
  /** Waits for the deferred work, then closes the pool: hand it to `ctx.waitUntil`. */
  close(): Promise<unknown> | undefined;
}

/**
 * Services for one request or one scheduled run; `actor` is read when a service needs it. Every
 * database call of the scope must be done within `budget` (db/client.ts), counted from here; a
 * function is read at the first database call (the operation's audience sets it after the scope
 * opened, before any service touches the database).
 */
export function openScope(
  env: Env,
  options: {
    log: Logger;
    requestId?: string;
    actor?: () => Actor | undefined;
    metric?: MetricContext;
    budget?: DbBudget | (() => DbBudget);
    /** The request's `DPoP` header, method and URL: checked only if a service asks. */
    proof?: ProofSource;
  },
): Scope {
  let connection: DbConnection | undefined;
  const deferred: Promise<unknown>[] = [];
  const opened = Date.now();
  let fixed: Deadline | undefined;
  const deadline = () => {
    fixed ??= deadlineIn((typeof options.budget === "function" ? options.budget() : options.budget) ?? "admin", opened);
    return fixed;
  };
  const db = () => {
    connection ??= connectDb(env, deadline());
    return connection.db;
  };
  const rows = () => httpRows(env, deadline());
  // Metric writes happen after the response, whatever the request's own budget left them.
  const backgroundRows = () => httpRows(env, deadlineIn("admin"));
  const warn = (msg: string, error: unknown) => options.log.warn(msg, { error });
  const metrics = metricsStore(
    {
      mode: metricsMode(env),
      dataset: env.METRICS,
      datasetName: env.METRICS_DATASET?.trim() || "license_events",
      accountId: env.CF_ACCOUNT_ID,
      apiToken: env.CF_ANALYTICS_TOKEN,
    },
    { rows: backgroundRows, db, log: warn },
  );
  const activity = activityStore(env, { rows: backgroundRows, log: warn });
  const services = createServices({
    config: serviceConfig(env),
    db,
    rows,
    kv: env.REVOCATIONS,
    snapshots: edgeSnapshots,
    actor: options.actor ?? (() => undefined),
    requestId: options.requestId,
    defer: (work) => {
      deferred.push(work.catch((err) => options.log.error("deferred work failed", { error: err })));
    },
    log: options.log,
    serializeEvent,
    metrics,
    activity,
    observe: options.metric ? (subject) => observe(options.metric!, subject) : () => {},
    proof: requestProof(options.proof),
  });
  return {
    services,
    record: createRecorder({ sink: metrics.sink, log: warn }).record,
    recordActivity: activityRecorder(activity.sink, activity.ipMode, warn),
    close() {
      if (!connection && deferred.length === 0) return undefined;
      return Promise.allSettled(deferred).then(() => connection?.pool.end().catch(() => {}));
    },
  };
}

const edgeSnapshots = cacheSnapshots(() => caches.default);

const METRICS_MODES = new Set(["auto", "local", "analytics_engine", "off"]);
const metricsMode = (env: Env) => {
  const mode = env.METRICS_STORE?.trim() || "auto";
  return (METRICS_MODES.has(mode) ? mode : "auto") as "auto" | "local" | "analytics_engine" | "off";
};

/**
 * Put it first. It answers `X-Request-Id` with a fresh `req_` id on every response; after the
 * response, deferred work runs and then the request's pool is closed, all inside `ctx.waitUntil`.
 *
 * @example
 * app.use(scope());
 * app.get("/x", async (c) => c.json(await c.var.services.licenses.get(id)));
 */
export const scope = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = Date.now();
    const requestId = newId("req");
    c.set("requestId", requestId);
    c.header("X-Request-Id", requestId);
    const clientId = clientRequestId(c.req.header("X-Request-Id"));
    const log = createLogger(clientId ? { request_id: requestId, client_request_id: clientId } : { request_id: requestId }, c.env.LOG_LEVEL);
    c.set("log", log);
    const metric: MetricContext = {};
    c.set("metric", metric);
    // The operation's audience picks the budget (installed apps give up first: db/client.ts DB_BUDGET_MS).
    const opened = openScope(c.env, {
      log,
      requestId,
      actor: () => c.get("auth"),
      metric,
      budget: () => c.get("budget") ?? "admin",
      proof: { header: c.req.header("DPoP") ?? null, htm: c.req.method, htu: c.req.url },
    });
    c.set("services", opened.services);
    try {
      await next();
    } finally {
      const status = c.res.status;
      logRequest(log, { method: c.req.method, path: c.req.path, status, duration_ms: Date.now() - started });
      const point = metricPoint(metric, {
        status,
        errorCode: c.get("errorCode"),
        started,
        cf: c.req.raw.cf as { colo?: unknown; country?: unknown } | undefined,
      });
      // After the response: the point joins this isolate's batch (or goes to Analytics Engine).
      if (point) c.executionCtx.waitUntil(opened.record(point));
      const draft = activityDraft(metric, point, c.req.raw, requestId);
      if (draft) c.executionCtx.waitUntil(opened.recordActivity(draft));
      const closing = opened.close();
      if (closing) c.executionCtx.waitUntil(closing);
    }
  });
