// License activity in Postgres (the local store): batched inserts, the API's one indexed query
// per question, the retention sweep and a customer's erasure. Ids start with the event's time in
// fixed-width base 36, so ordering by id (byte order, `collate "C"`) is ordering by time, and the
// paging cursor is just the last id.
import type { ActivityEvent, ActivityQuery } from "../../contract/activity";
import type { RowsFn } from "../client";
import { compact } from "./columns";

const COLUMNS = [
  "id",
  "tenant_id",
  "at",
  "license_id",
  "customer_id",
  "operation",
  "code",
  "activation_id",
  "fingerprint_prefix",
  "domain",
  "country",
  "colo",
  "network",
  "user_agent",
  "sdk",
  "request_id",
] as const;

const valuesOf = (e: ActivityEvent): unknown[] => [
  e.id,
  e.tenantId,
  e.at,
  e.licenseId,
  e.customerId,
  e.operation,
  e.code,
  e.activationId,
  e.fingerprintPrefix,
  e.domain,
  e.country,
  e.colo,
  e.network,
  e.userAgent,
  e.sdk,
  e.requestId,
];

/** Rows per statement: 16 parameters each stays far below Postgres's 65,535. */
const ROWS_PER_STATEMENT = 500;

/** One insert per 500 events; an id seen before (a retried flush) is skipped. */
export async function insertActivity(rows: RowsFn, events: readonly ActivityEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
    const values: unknown[] = [];
    const tuples = events.slice(start, start + ROWS_PER_STATEMENT).map((e) => {
      const at = values.length;
      values.push(...valuesOf(e));
      return `(${COLUMNS.map((_, i) => `$${at + i + 1}`).join(", ")})`;
    });
    await rows(`insert into activity_events (${COLUMNS.join(", ")}) values ${tuples.join(", ")} on conflict (id) do nothing`, values);
  }
}

type Row = [string, string, string | Date, string, string, string, string, string, string, string, string, string, string, string, string, string];

const fromRow = (r: Row): ActivityEvent => ({
  id: r[0],
  tenantId: r[1],
  at: new Date(r[2]),
  licenseId: r[3],
  customerId: r[4],
  operation: r[5],
  code: r[6],
  activationId: r[7],
  fingerprintPrefix: r[8],
  domain: r[9],
  country: r[10],
  colo: r[11],
  network: r[12],
  userAgent: r[13],
  sdk: r[14],
  requestId: r[15],
});

/** Newest first. Every filter is a parameter; the statement's shape depends only on which are set. */
export async function listActivity(rows: RowsFn, q: ActivityQuery): Promise<ActivityEvent[]> {
  const values: unknown[] = [q.tenantId, q.since, q.until];
  const where = ["tenant_id = $1", "at >= $2", "at < $3"];
  const add = (clause: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(clause(`$${values.length}`));
  };
  if (q.licenseId) add((n) => `license_id = ${n}`, q.licenseId);
  if (q.customerId) add((n) => `customer_id = ${n}`, q.customerId);
  if (q.code) add((n) => `code = ${n}`, q.code);
  if (q.operation) add((n) => `operation = ${n}`, q.operation);
  if (q.device) add((n) => `(activation_id = ${n} or fingerprint_prefix = ${n})`, q.device);
  if (q.beforeId) add((n) => `id collate "C" < ${n}`, q.beforeId);
  values.push(q.limit);
  const found = await rows(
    compact(`select ${COLUMNS.join(", ")} from activity_events where ${where.join(" and ")} order by id collate "C" desc limit $${values.length}`),
    values,
  );
  return (found as Row[]).map(fromRow);
}

/** Deletes events older than each tenant's retention, at most `limit` per call (the cron comes back). */
export async function sweepActivity(rows: RowsFn, now: Date, limit = 10_000): Promise<number> {
  const deleted = await rows(
    compact(`with doomed as (
        select e.id from activity_events e join tenants t on t.id = e.tenant_id
         where e.at < $1::timestamptz - make_interval(days => t.activity_retention_days)
         limit $2)
      delete from activity_events where id in (select id from doomed) returning 1`),
    [now, limit],
  );
  return deleted.length;
}

/** Events of tenants that no longer exist have no retention to follow: gone with the next sweep. */
export async function sweepOrphanActivity(rows: RowsFn): Promise<void> {
  await rows("delete from activity_events e where not exists (select 1 from tenants t where t.id = e.tenant_id)", []);
}

/** The names of a page's devices, read at answer time so an event never copies a device's name. */
export async function activationNames(rows: RowsFn, tenantId: string, ids: readonly string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const found = await rows("select a.id, a.name from activations a join licenses l on l.id = a.license_id where l.tenant_id = $1 and a.id = any($2::text[])", [
    tenantId,
    [...new Set(ids)],
  ]);
  return new Map((found as [string, string | null][]).map(([id, name]) => [id, name]));
}

/** The tenant's retention, in days. */
export async function activityRetentionDays(rows: RowsFn, tenantId: string): Promise<number> {
  const [row] = await rows("select activity_retention_days from tenants where id = $1", [tenantId]);
  return (row?.[0] as number | undefined) ?? 90;
}
