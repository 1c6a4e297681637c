// A local stand-in for Neon's HTTP query endpoint (`POST /sql`), which the driver's `neon()`
// function calls: one statement per request, over a pooled connection. Request: headers
// `Neon-Connection-String`, `Neon-Array-Mode`, `Neon-Raw-Text-Output`; body `{ query, params }`.
// Answer: `{ command, rowCount, rows, fields: [{ name, dataTypeID }] }` with every value as text
// (the driver parses them by type), or 400 `{ message, code, ... }` for a Postgres error.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { Faults } from "./faults.ts";

const require = createRequire(import.meta.url);
const pg = require("pg") as typeof import("pg");

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
/** Values stay text: the driver applies the type parsers itself, as against Neon. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };
const ERROR_FIELDS = ["severity", "code", "detail", "hint", "position", "schema", "table", "column", "constraint"] as const;

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

/**
 * Recording's batched writes (usage metrics: db/repositories/metrics.ts `addRollups`; license
 * activity: db/repositories/activity.ts `insertActivity`), counted apart from requests' own trips.
 */
const METRIC_WRITE = /^insert into (metric_rollups|activity_events)\b/;

export function createSqlEndpoint(stats: { queries: number; metricWrites: number }, faults: Faults) {
  const pools = new Map<string, import("pg").Pool>();

  const poolFor = (connectionString: string) => {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({ connectionString, max: 16, connectionTimeoutMillis: 5_000, types: RAW_TEXT });
      pool.on("error", () => {});
      pools.set(connectionString, pool);
    }
    return pool;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    try {
      const connectionString = String(req.headers["neon-connection-string"] ?? "");
      const host = connectionString ? new URL(connectionString).hostname : "";
      if (!LOOPBACK.has(host)) return reply(400, { message: "the local /sql endpoint only serves loopback databases" });
      const { query, params } = JSON.parse(await readBody(req)) as { query: string; params?: unknown[] };
      stats.queries++;
      const fault = faults.next(decodeURIComponent(new URL(connectionString).username) || undefined);
      if (fault.kind === "refuse") return void req.socket.destroy();
      if (fault.kind === "hang") return faults.onReset(() => req.socket.destroy());
      // As Neon answers when it cannot reach the database.
      if (fault.kind === "fail") return void res.writeHead(503, { "content-type": "text/plain" }).end("connection failed: injected fault");
      if (fault.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
      if (METRIC_WRITE.test(query)) stats.metricWrites++;
      const result = await poolFor(connectionString).query({ text: query, values: params ?? [], rowMode: "array" });
      reply(200, {
        command: result.command,
        rowCount: result.rowCount,
        rows: result.rows,
        fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
        rowAsArray: true,
      });
    } catch (err) {
      const e = err as Record<string, unknown> & { message?: string };
      if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
        return reply(400, { message: e.message, ...Object.fromEntries(ERROR_FIELDS.map((f) => [f, e[f]])) });
      }
      // Not a Postgres error: the database could not be reached (Neon answers 5xx then too).
      res.writeHead(503, { "content-type": "text/plain" }).end(`connection failed: ${e.message ?? String(err)}`);
    }
  }

  return {
    handle,
    close: async () => {
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => {})));
      pools.clear();
    },
  };
}
