// The metrics store on Workers Analytics Engine: a sink writing one data point per request through
// the dataset binding, and a reader answering the metrics API's questions through the SQL API.
// Followed (cloudflare-docs, src/content/docs/analytics/analytics-engine/):
//   get-started, limits    writeDataPoint({ indexes, blobs, doubles }); one index (the sampling key);
//                          20 blobs, 20 doubles; writeDataPoint returns at once, nothing to await.
//   sql-api, worker-querying  POST https://api.cloudflare.com/client/v4/accounts/<id>/analytics_engine/sql,
//                          `Authorization: Bearer <token>`, the SQL as the body; columns timestamp,
//                          _sample_interval, index1, blob1..blob20, double1..double20; counts are
//                          SUM(_sample_interval) because AE samples busy indexes.
//   sql-reference/*        toStartOfInterval(timestamp, INTERVAL '1' HOUR), toDateTime(<unix seconds>),
//                          sumIf(expr, cond), IN (...), !=, GROUP BY / ORDER BY an alias, LIMIT n,
//                          FORMAT JSON ({ meta, data, rows }), string literals in single quotes.
// Every statement is a fixed template; the only values spliced in are checked against closed lists
// or strict patterns first, so no caller text ever reaches the SQL.
import {
  MAX_RANGE_MS,
  METRIC_EVENTS,
  METRIC_GROUPS,
  METRIC_INTERVALS,
  type MetricEvent,
  type MetricGroup,
  type MetricInterval,
  type MetricPoint,
  VALID_CODE,
  VALIDATION_EVENTS,
} from "../../contract/metrics";
import { type MetricsReader, type MetricsSink, MetricsStoreUnavailable, type SeriesRow, type TenantActivity } from "../../contract/metrics-store";
import type { Logger } from "../../logging";

/**
 * The dataset's layout, written once: index1 is the tenant (AE samples per index, so one busy tenant
 * is sampled without touching the others); blobN is `blobs[N-1]`; double1 is a count weight (always
 * 1) and double2 the duration in ms. Appending is safe; reordering breaks every stored point.
 */
export const AE_LAYOUT = {
  index: "tenantId",
  blobs: ["event", "code", "applicationId", "policyId", "licenseId", "colo", "country"],
  doubles: ["count", "durationMs"],
} as const satisfies { index: keyof MetricPoint; blobs: readonly (keyof MetricPoint)[]; doubles: readonly string[] };

type BlobField = (typeof AE_LAYOUT.blobs)[number];
const COLUMN = Object.fromEntries(AE_LAYOUT.blobs.map((field, i) => [field, `blob${i + 1}`])) as Record<BlobField, string>;

export function toDataPoint(point: MetricPoint): AnalyticsEngineDataPoint {
  return { indexes: [point[AE_LAYOUT.index]], blobs: AE_LAYOUT.blobs.map((field) => point[field]), doubles: [1, point.durationMs] };
}

/** A metrics write must never fail the request it describes: errors are logged and swallowed. */
export function analyticsEngineSink(dataset: AnalyticsEngineDataset, log?: Pick<Logger, "warn">): MetricsSink {
  return {
    record(point) {
      try {
        dataset.writeDataPoint(toDataPoint(point));
      } catch (err) {
        try {
          log?.warn("metrics write failed", { store: "analytics_engine", error: err });
        } catch {
          // A broken logger is no reason to fail the request either.
        }
      }
      return Promise.resolve();
    },
    // writeDataPoint hands the point to the runtime at once: nothing is buffered here.
    flush: () => Promise.resolve(),
  };
}

// The fixed SQL fragments the closed vocabularies map to.
const INTERVAL_SQL: Record<MetricInterval, string> = { minute: "INTERVAL '1' MINUTE", hour: "INTERVAL '1' HOUR", day: "INTERVAL '1' DAY" };
const GROUP_COLUMN: Record<MetricGroup, string> = { code: COLUMN.code, application: COLUMN.applicationId, colo: COLUMN.colo };

const TENANT_ID = /^tnt_[1-9A-HJ-NP-Za-km-z]{22}$/;
const DATASET = /^[A-Za-z0-9_]{1,64}$/;
const ACCOUNT_ID = /^[0-9a-f]{32}$/i;
const MAX_LIMIT = 100;
const TIMEOUT_MS = 10_000;

// Every check below guards against a programming fault (the API validates requests first), so a
// failure is a plain Error, thrown before anything is sent.
function fail(message: string): never {
  throw new Error(`analytics engine reader: ${message}`);
}

// The SQL reference shows string literals in single quotes but documents no escaping, so nothing
// that would need escaping is ever quoted: every literal is checked against this safe alphabet.
export function literal(value: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(value)) fail("refused to quote a value outside [A-Za-z0-9_]");
  return `'${value}'`;
}

function tenant(id: string): string {
  if (typeof id !== "string" || !TENANT_ID.test(id)) fail("tenant id is not a tnt_ id");
  return literal(id);
}

function eventList(events: readonly MetricEvent[]): string {
  if (!Array.isArray(events) || events.length === 0) fail("no events");
  for (const event of events) if (!METRIC_EVENTS.includes(event)) fail("unknown event");
  return `(${[...new Set(events)].map(literal).join(", ")})`;
}

/** `[from, to)` as integer Unix seconds (AE's timestamp is a DateTime: whole seconds, UTC). */
function range(from: Date, to: Date): string {
  const start = from instanceof Date ? from.getTime() : Number.NaN;
  const end = to instanceof Date ? to.getTime() : Number.NaN;
  if (!Number.isFinite(start) || !Number.isFinite(end)) fail("time bounds are not valid dates");
  if (start >= end || end - start > MAX_RANGE_MS) fail("time range is empty or longer than MAX_RANGE_MS");
  return `timestamp >= toDateTime(${Math.floor(start / 1000)}) AND timestamp < toDateTime(${Math.floor(end / 1000)})`;
}

const VALIDATIONS = () => eventList(VALIDATION_EVENTS);

// Parsing the FORMAT JSON answer. ClickHouse-style JSON quotes 64-bit integers (SUM(...) is one),
// so counts may arrive as "12" or 12.
function count(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) fail("the SQL API returned a count that is not a number");
  return n;
}

function text(value: unknown): string {
  if (typeof value !== "string") fail("the SQL API returned a non-string label");
  return value;
}

/** DateTime values come back as "YYYY-MM-DD HH:MM:SS" in the API's zone, which is always Etc/UTC. */
function dateTime(value: unknown): Date {
  const m = typeof value === "string" ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value) : null;
  const date = m ? new Date(`${m[1]}T${m[2]}Z`) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) fail("the SQL API returned a timestamp not in YYYY-MM-DD HH:MM:SS");
  return date;
}

export interface AnalyticsEngineReaderOptions {
  accountId: string;
  apiToken: string;
  /** The dataset (table) name the binding writes to. */
  dataset: string;
  fetch?: typeof fetch;
}

/** The SQL API's FORMAT JSON rows of one statement; MetricsStoreUnavailable when it cannot answer. */
export function analyticsEngineSql(options: AnalyticsEngineReaderOptions): { dataset: string; query(sql: string): Promise<Record<string, unknown>[]> } {
  const { accountId, apiToken, dataset } = options;
  if (typeof accountId !== "string" || !ACCOUNT_ID.test(accountId)) fail("account id is not 32 hex characters");
  if (typeof dataset !== "string" || !DATASET.test(dataset)) fail("dataset name is not [A-Za-z0-9_]{1,64}");
  if (typeof apiToken !== "string" || apiToken === "") fail("no API token");
  // Workers' fetch must be called unbound from its global, hence the wrapper.
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const url = `https://api.cloudflare.com/client/v4/accounts/${accountId}/analytics_engine/sql`;
  async function query(sql: string): Promise<Record<string, unknown>[]> {
    let response: Response;
    let body: string;
    try {
      response = await send(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${apiToken}` },
        body: sql,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      body = await response.text();
    } catch (err) {
      throw new MetricsStoreUnavailable(`Analytics Engine SQL API unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    // The body may be quoted for diagnosis, but never with the token in it.
    const excerpt = () => body.slice(0, 200).split(apiToken).join("[REDACTED]");
    if (!response.ok) throw new MetricsStoreUnavailable(`Analytics Engine SQL API answered HTTP ${response.status}: ${excerpt()}`);
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      throw new MetricsStoreUnavailable(`Analytics Engine SQL API answered HTTP ${response.status} with a body that is not JSON: ${excerpt()}`);
    }
    const data = (payload as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) {
      throw new MetricsStoreUnavailable(`Analytics Engine SQL API answered HTTP ${response.status} without a data array: ${excerpt()}`);
    }
    return data as Record<string, unknown>[];
  }

  return { dataset, query };
}

export function analyticsEngineReader(options: AnalyticsEngineReaderOptions): MetricsReader {
  const { dataset, query } = analyticsEngineSql(options);
  return {
    async series(q) {
      if (!METRIC_INTERVALS.includes(q.interval)) fail("unknown interval");
      if (!METRIC_GROUPS.includes(q.groupBy)) fail("unknown group");
      const sql = `SELECT toStartOfInterval(timestamp, ${INTERVAL_SQL[q.interval]}) AS bucket, ${GROUP_COLUMN[q.groupBy]} AS group_key, SUM(_sample_interval) AS count
FROM ${dataset}
WHERE index1 = ${tenant(q.tenantId)} AND ${COLUMN.event} IN ${eventList(q.events)} AND ${range(q.from, q.to)}
GROUP BY bucket, group_key
ORDER BY bucket ASC, group_key ASC
FORMAT JSON`;
      return (await query(sql)).map((row): SeriesRow => ({ bucket: dateTime(row.bucket), key: text(row.group_key), count: count(row.count) }));
    },

    async totals(q) {
      const sql = `SELECT ${COLUMN.code} AS code, SUM(_sample_interval) AS count
FROM ${dataset}
WHERE index1 = ${tenant(q.tenantId)} AND ${COLUMN.event} IN ${eventList(q.events)} AND ${range(q.from, q.to)}
GROUP BY code
ORDER BY count DESC, code ASC
FORMAT JSON`;
      return (await query(sql)).map((row) => ({ code: text(row.code), count: count(row.count) }));
    },

    async topLicenses(q) {
      if (q.metric !== "failures" && q.metric !== "validations") fail("unknown metric");
      if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT) fail(`limit is not an integer in 1..${MAX_LIMIT}`);
      const failuresOnly = q.metric === "failures" ? ` AND ${COLUMN.code} != ${literal(VALID_CODE)}` : "";
      const sql = `SELECT ${COLUMN.licenseId} AS license_id, SUM(_sample_interval) AS count
FROM ${dataset}
WHERE index1 = ${tenant(q.tenantId)} AND ${COLUMN.event} IN ${VALIDATIONS()}${failuresOnly} AND ${COLUMN.licenseId} != '' AND ${range(q.from, q.to)}
GROUP BY license_id
ORDER BY count DESC, license_id ASC
LIMIT ${q.limit}
FORMAT JSON`;
      return (await query(sql)).map((row) => ({ licenseId: text(row.license_id), count: count(row.count) }));
    },

    async activity(from, to) {
      // One pass over the window: sumIf splits the three counts, each weighted by the sample interval.
      // Points with no tenant (index1 = '': unknown keys) belong to no one's alerts.
      const validations = VALIDATIONS();
      const sql = `SELECT index1 AS tenant_id, sumIf(_sample_interval, ${COLUMN.event} IN ${validations}) AS validations, sumIf(_sample_interval, ${COLUMN.event} IN ${validations} AND ${COLUMN.code} != ${literal(VALID_CODE)}) AS failures, sumIf(_sample_interval, ${COLUMN.event} = ${literal("auth_failure")}) AS auth_failures
FROM ${dataset}
WHERE index1 != '' AND ${COLUMN.event} IN ${eventList([...VALIDATION_EVENTS, "auth_failure"])} AND ${range(from, to)}
GROUP BY tenant_id
ORDER BY tenant_id ASC
FORMAT JSON`;
      return (await query(sql)).map(
        (row): TenantActivity => ({
          tenantId: text(row.tenant_id),
          validations: count(row.validations),
          failures: count(row.failures),
          authFailures: count(row.auth_failures),
        }),
      );
    },
  };
}
