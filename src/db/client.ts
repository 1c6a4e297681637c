// Postgres through the Neon serverless driver in WebSocket mode (interactive transactions work,
// unlike the HTTP mode). Workers cannot share I/O objects across requests, so each request gets
// its own Pool, ended after the response (see middleware/scope.ts).
import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
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

export function connectDb(env: Pick<Env, "DATABASE_URL" | "DB_RELAY_URL">): DbConnection {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not configured");
  if (env.DB_RELAY_URL) useRelay(env.DB_RELAY_URL);
  const pool = new Pool({
    connectionString: env.DATABASE_URL,
    // Fail fast: a request waiting on an unreachable database should become a 503, not hang.
    connectionTimeoutMillis: 5_000,
    max: 4,
  });
  // An idle client erroring (e.g. the server going away) must not crash the isolate.
  pool.on("error", () => {});
  // No `schema`: nothing uses the relational API, and passing it costs ~50 us per request to
  // rebuild the relational config (measured by npm run bench).
  return { db: drizzle({ client: pool }), pool };
}

/** Runs one fixed statement and returns its rows as arrays (one round trip). */
export type RowsFn = (text: string, values: unknown[]) => Promise<unknown[][]>;

let http: { url: string; rows: RowsFn } | undefined;

/**
 * One-statement queries over Neon's HTTP endpoint (`neon()`): a single fetch, no WebSocket or
 * Postgres startup per request, which is most of a pooled connection's cost in a Worker. The
 * function holds no I/O object, so one per isolate serves every request.
 */
export function httpRows(env: Pick<Env, "DATABASE_URL" | "DB_RELAY_URL">): RowsFn {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not configured");
  if (env.DB_RELAY_URL) useRelay(env.DB_RELAY_URL);
  if (http?.url !== env.DATABASE_URL) {
    const sql = neon(env.DATABASE_URL, { arrayMode: true, fullResults: false });
    http = { url: env.DATABASE_URL, rows: (text, values) => sql.query(text, values) as Promise<unknown[][]> };
  }
  return http.rows;
}

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
  if (err instanceof Error && err.message === "DATABASE_URL is not configured") return true;
  const code = postgresCode(err);
  if (code) return UNAVAILABLE_SQLSTATE.test(code);
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const message = cause instanceof Error ? cause.message : String((cause as { message?: unknown })?.message ?? "");
  return /connect|connection|terminated|timeout|timed out|websocket|ECONNREFUSED|socket|HTTP status 5\d\d/i.test(message);
}
