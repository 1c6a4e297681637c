// License activity on Workers Analytics Engine: one data point per event through the ACTIVITY
// binding, the license as the index (AE samples per index and answers an index's rows first, so
// one license's history is one indexed query), read back through the SQL API (analytics-engine.ts).
// Every value spliced into a statement is checked against a strict pattern first. AE keeps data
// for three months whatever a tenant's retention says, and cannot delete a customer's events on
// erasure: README "License activity" says so, and the reader filters by the tenant's retention.
import type { ActivityEvent, ActivityQuery, ActivityReader, ActivitySink } from "../../contract/activity";
import type { Logger } from "../../logging";
import { type AnalyticsEngineReaderOptions, analyticsEngineSql, literal } from "./analytics-engine";

/** blobN is `BLOBS[N-1]`; double1 is `at` in ms. Appending is safe; reordering breaks every stored point. */
export const ACTIVITY_BLOBS = [
  "tenantId",
  "customerId",
  "operation",
  "code",
  "activationId",
  "fingerprintPrefix",
  "domain",
  "country",
  "colo",
  "network",
  "userAgent",
  "sdk",
  "requestId",
  "id",
] as const satisfies readonly (keyof ActivityEvent)[];

const COLUMN = Object.fromEntries(ACTIVITY_BLOBS.map((field, i) => [field, `blob${i + 1}`])) as Record<(typeof ACTIVITY_BLOBS)[number], string>;

export function toActivityPoint(event: ActivityEvent): AnalyticsEngineDataPoint {
  return { indexes: [event.licenseId], blobs: ACTIVITY_BLOBS.map((field) => event[field] as string), doubles: [event.at.getTime()] };
}

export function analyticsEngineActivitySink(dataset: AnalyticsEngineDataset, log?: Pick<Logger, "warn">): ActivitySink {
  return {
    record(event) {
      try {
        dataset.writeDataPoint(toActivityPoint(event));
      } catch (err) {
        try {
          log?.warn("activity write failed", { store: "analytics_engine", error: err });
        } catch {
          // A broken logger is no reason to fail the request either.
        }
      }
      return Promise.resolve();
    },
    flush: () => Promise.resolve(),
  };
}

const ID = /^[a-z]{2,4}_[A-Za-z0-9_]{1,60}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const OPERATION = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const PREFIX = /^[0-9a-f]{1,64}$/;

function checked(value: string, pattern: RegExp, what: string): string {
  if (typeof value !== "string" || !pattern.test(value)) throw new Error(`analytics engine activity reader: ${what} has an unexpected form`);
  return literal(value);
}

export function analyticsEngineActivityReader(options: AnalyticsEngineReaderOptions): ActivityReader {
  const { dataset, query } = analyticsEngineSql(options);
  return {
    async list(q: ActivityQuery) {
      const where = [
        `${COLUMN.tenantId} = ${checked(q.tenantId, ID, "tenant id")}`,
        `double1 >= ${Math.floor(q.since.getTime())}`,
        `double1 < ${Math.floor(q.until.getTime())}`,
      ];
      if (q.licenseId) where.unshift(`index1 = ${checked(q.licenseId, ID, "license id")}`);
      if (q.customerId) where.push(`${COLUMN.customerId} = ${checked(q.customerId, ID, "customer id")}`);
      if (q.code) where.push(`${COLUMN.code} = ${checked(q.code, CODE, "code")}`);
      if (q.operation) where.push(`${COLUMN.operation} = ${checked(q.operation, OPERATION, "operation")}`);
      if (q.device) {
        const device = PREFIX.test(q.device) ? checked(q.device, PREFIX, "device") : checked(q.device, ID, "device");
        where.push(`(${COLUMN.activationId} = ${device} OR ${COLUMN.fingerprintPrefix} = ${device})`);
      }
      if (q.beforeId) where.push(`${COLUMN.id} < ${checked(q.beforeId, ID, "cursor")}`);
      if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 201) throw new Error("analytics engine activity reader: limit out of range");
      const columns = ACTIVITY_BLOBS.map((field) => `${COLUMN[field]} AS ${field}`).join(", ");
      const sql = `SELECT index1 AS licenseId, double1 AS at, ${columns}
FROM ${dataset}
WHERE ${where.join(" AND ")}
ORDER BY ${COLUMN.id} DESC
LIMIT ${q.limit}
FORMAT JSON`;
      return (await query(sql)).map((row) => {
        const event = { licenseId: String(row.licenseId ?? ""), at: new Date(Number(row.at)) } as ActivityEvent;
        for (const field of ACTIVITY_BLOBS) (event as unknown as Record<string, string>)[field] = String(row[field] ?? "");
        return event;
      });
    },
  };
}
