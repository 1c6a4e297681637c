// Postgres through the Neon serverless driver in WebSocket mode (interactive transactions work,
// unlike the HTTP mode). Workers cannot share I/O objects across requests, so each request gets
// its own Pool, ended after the response (see middleware/scope.ts).
import { neon, neonConfig, Pool, type PoolClient } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import { breakerFor, type CircuitBreaker, CircuitOpenError, throughBreaker } from "./breaker";
import type * as schema from "./schema";

export type Database = NeonDatabase<typeof schema>;
/** A transaction handle, as `db.transaction(async (tx) => ...)` passes it. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything queries can run on: the request's database or an open transaction. */
export type Queryable = Database | Tx;

export interface DbConnection {
  db: Database;
  pool: Pool;
}

let relayInUse: string | undefined;

/**
 * Points the driver at a local WebSocket-to-TCP relay (dev and tests), the way Neon's own wsproxy
 * fronts Neon. Without a relay the driver talks to Neon directly over TLS.
 */
function useRelay(relay: string): void {
  if (relayInUse === relay) return;
  neonConfig.wsProxy = (host, port) => `${relay}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.fetchEndpoint = () => `http://${relay}/sql`;
  relayInUse = relay;
}

/**
 * How long a request may wait on Postgres in all, by what it serves: the public license routes
 * answer installed apps at startup, so they give up first; admin calls (and metric writes after
 * a response) can wait longer, the every-minute cron longest.
 */
export const DB_BUDGET_MS = { public: 2_500, admin: 8_000, background: 50_000 } as const;
export type DbBudget = keyof typeof DB_BUDGET_MS;

/** The moment a request's database work must be done by (epoch ms). */
export interface Deadline {
  at: number;
}

export const deadlineIn = (budget: DbBudget, now = Date.now()): Deadline => ({ at: now + DB_BUDGET_MS[budget] });
const remaining = (deadline: Deadline) => Math.max(1, deadline.at - Date.now());
/** Connecting gets at most this much of the budget, leaving the rest for the statements. */
const CONNECT_CAP_MS = 3_000;

/**
 * A pool for one request's transactions. Connecting and each statement are bounded by what is
 * left of `deadline` when the pool opens, and connecting goes through the database's breaker.
 */
export function connectDb(env: Pick<Env, "DATABASE_URL" | "DB_RELAY_URL">, deadline: Deadline = deadlineIn("admin")): DbConnection {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not configured");
  if (env.DB_RELAY_URL) useRelay(env.DB_RELAY_URL);
  const left = remaining(deadline);
  const pool = new Pool({
    connectionString: env.DATABASE_URL,
    // A request waiting on an unreachable database becomes a 503, never a hang.
    connectionTimeoutMillis: Math.min(CONNECT_CAP_MS, left),
    query_timeout: left,
    max: 4,
  });
  // An idle client erroring (e.g. the server going away) must not crash the isolate.
  pool.on("error", () => {});
  guardConnect(pool, breakerFor(env.DATABASE_URL));
  // No `schema`: nothing uses the relational API, and passing it costs ~50 us per request to
  // rebuild the relational config (measured by npm run bench).
  return { db: drizzle({ client: pool }), pool };
}

/** Every connection the pool opens (for a transaction or a single query) goes through the breaker. */
function guardConnect(pool: Pool, breaker: CircuitBreaker): void {
  type Callback = (err: Error | undefined, client?: PoolClient, release?: (err?: Error) => void) => void;
  const open = pool.connect.bind(pool) as () => Promise<PoolClient>;
  // pg-pool's own query() connects with a callback; transactions await a promise.
  pool.connect = ((callback?: Callback) => {
    const connected = throughBreaker(breaker, isDatabaseUnavailable, open);
    if (!callback) return connected;
    connected.then(
      (client) => callback(undefined, client, (err?: Error) => client.release(err)),
      (err: Error) => callback(err),
    );
    return undefined;
  }) as typeof pool.connect;
}

/** Runs one fixed statement and returns its rows as arrays (one round trip). */
export type RowsFn = (text: string, values: unknown[]) => Promise<unknown[][]>;

let http: { url: string; query: ReturnType<typeof neon> } | undefined;

/**
 * One-statement queries over Neon's HTTP endpoint (`neon()`): a single fetch, no WebSocket or
 * Postgres startup per request, which is most of a pooled connection's cost in a Worker. The
 * query function holds no I/O object, so one per isolate serves every request; each call is
 * aborted at `deadline` and goes through the database's breaker.
 */
export function httpRows(env: Pick<Env, "DATABASE_URL" | "DB_RELAY_URL">, deadline: Deadline = deadlineIn("public")): RowsFn {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not configured");
  if (env.DB_RELAY_URL) useRelay(env.DB_RELAY_URL);
  if (http?.url !== env.DATABASE_URL) http = { url: env.DATABASE_URL, query: neon(env.DATABASE_URL, { arrayMode: true, fullResults: false }) };
  const { query } = http;
  const breaker = breakerFor(env.DATABASE_URL);
  // One promise chain per query (no async wrappers): this is the hot path's only database call.
  return (text, values) => {
    if (!breaker.admit()) return Promise.reject(new CircuitOpenError());
    // Cleared as soon as the query settles: AbortSignal.timeout would leave one live timer per
    // query for the whole budget, thousands of them under load.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(deadlineExceeded()), remaining(deadline));
    return (query.query(text, values, { fetchOptions: { signal: controller.signal } }) as Promise<unknown[][]>).then(
      (rows) => {
        clearTimeout(timer);
        breaker.succeeded();
        return rows;
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (isDatabaseUnavailable(err)) breaker.failed();
        else breaker.succeeded();
        throw err;
      },
    );
  };
}

const deadlineExceeded = () => new DOMException("The database did not answer within the request's deadline.", "TimeoutError");

/** The SQLSTATE of a Postgres error, possibly wrapped by drizzle (`cause`). */
export function postgresCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** SQLSTATE classes that mean "the database is not available", not "the query is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P|58)/;

/** True for failures to reach or use the database, which the API reports as 503. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof CircuitOpenError) return true;
  if (err instanceof Error && err.message === "DATABASE_URL is not configured") return true;
  const code = postgresCode(err);
  if (code) return UNAVAILABLE_SQLSTATE.test(code);
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const message = cause instanceof Error ? cause.message : String((cause as { message?: unknown })?.message ?? "");
  // Deadlines surface as aborts (the HTTP path) or pg's "Query read timeout" (the pool).
  return /connect|connection|terminated|timeout|timed out|abort|websocket|ECONNREFUSED|socket|fetch failed|HTTP status 5\d\d/i.test(message);
}
