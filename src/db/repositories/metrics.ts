// Metrics in Postgres: the local store's per-minute rollups (written in batches, one statement
// each), the fixed queries the metrics API asks of them, the exact gauges (licenses, devices,
// seats, expiries, failing deliveries) and the tenants' alert rules.
import { eq, sql } from "drizzle-orm";
import type { AlertKind, MetricDimensions, MetricEvent, MetricGroup, MetricInterval } from "../../contract/metrics";
import type { Queryable, RowsFn } from "../client";
import { metricAlertRules } from "../schema";
import { compact } from "./columns";

/** One rollup row: counts of one minute and one combination of dimensions. */
export interface Rollup extends MetricDimensions {
  minute: Date;
  count: number;
  durationMsSum: number;
}

const ROLLUP_COLUMNS = "tenant_id, minute, event, code, application_id, policy_id, license_id, colo, country";
/** Rows per statement: 11 parameters each stays far below Postgres's 65,535. */
const ROWS_PER_STATEMENT = 500;

/** Adds `rollups` to the stored counts: one upsert per 500 rows, over the HTTP query path. */
export async function addRollups(rows: RowsFn, rollups: readonly Rollup[]): Promise<void> {
  for (let start = 0; start < rollups.length; start += ROWS_PER_STATEMENT) {
    const chunk = rollups.slice(start, start + ROWS_PER_STATEMENT);
    const values: unknown[] = [];
    const tuples = chunk.map((r) => {
      const at = values.length;
      values.push(r.tenantId, r.minute, r.event, r.code, r.applicationId, r.policyId, r.licenseId, r.colo, r.country, r.count, r.durationMsSum);
      return `(${Array.from({ length: 11 }, (_, i) => `$${at + i + 1}`).join(", ")})`;
    });
    await rows(
      compact(`insert into metric_rollups (${ROLLUP_COLUMNS}, count, duration_ms_sum) values ${tuples.join(", ")}
        on conflict on constraint metric_rollups_pk do update
        set count = metric_rollups.count + excluded.count, duration_ms_sum = metric_rollups.duration_ms_sum + excluded.duration_ms_sum`),
      values,
    );
  }
}

/** Fixed SQL for each closed choice: no caller text ever reaches a statement. */
const TRUNC: Record<MetricInterval, string> = { minute: "minute", hour: "hour", day: "day" };
const GROUP_COLUMN: Record<MetricGroup, string> = { code: "code", application: "application_id", colo: "colo" };

const eventList = (events: readonly MetricEvent[]) =>
  sql.join(
    events.map((e) => sql`${e}`),
    sql`, `,
  );

export async function rollupSeries(
  db: Queryable,
  q: { tenantId: string; events: readonly MetricEvent[]; from: Date; to: Date; interval: MetricInterval; groupBy: MetricGroup },
): Promise<{ bucket: Date; key: string; count: number }[]> {
  const bucket = sql.raw(`date_trunc('${TRUNC[q.interval]}', minute, 'UTC')`);
  const key = sql.raw(GROUP_COLUMN[q.groupBy]);
  const result = await db.execute(sql`
    select ${bucket} as bucket, ${key} as key, sum(count)::int as count from metric_rollups
     where tenant_id = ${q.tenantId} and minute >= ${q.from} and minute < ${q.to} and event in (${eventList(q.events)})
     group by 1, 2 order by 1, 2`);
  return (result.rows as { bucket: string | Date; key: string; count: number }[]).map((r) => ({
    bucket: new Date(r.bucket),
    key: r.key,
    count: Number(r.count),
  }));
}

export async function rollupTotals(db: Queryable, q: { tenantId: string; events: readonly MetricEvent[]; from: Date; to: Date }) {
  const result = await db.execute(sql`
    select code, sum(count)::int as count from metric_rollups
     where tenant_id = ${q.tenantId} and minute >= ${q.from} and minute < ${q.to} and event in (${eventList(q.events)})
     group by code order by code`);
  return (result.rows as { code: string; count: number }[]).map((r) => ({ code: r.code, count: Number(r.count) }));
}

/** Licenses by count of validations (all, or the failed ones), most first. */
export async function rollupTopLicenses(
  db: Queryable,
  q: { tenantId: string; events: readonly MetricEvent[]; failuresOnly: boolean; from: Date; to: Date; limit: number },
) {
  const failures = q.failuresOnly ? sql`and code <> 'VALID'` : sql``;
  const result = await db.execute(sql`
    select license_id, sum(count)::int as count from metric_rollups
     where tenant_id = ${q.tenantId} and minute >= ${q.from} and minute < ${q.to} and event in (${eventList(q.events)})
       and license_id <> '' ${failures}
     group by license_id order by 2 desc, 1 limit ${q.limit}`);
  return (result.rows as { license_id: string; count: number }[]).map((r) => ({ licenseId: r.license_id, count: Number(r.count) }));
}

/** Per tenant: validations, failed validations and failed authentications in [from, to). */
export async function rollupActivity(db: Queryable, q: { validationEvents: readonly MetricEvent[]; from: Date; to: Date }) {
  const result = await db.execute(sql`
    select tenant_id,
           coalesce(sum(count) filter (where event in (${eventList(q.validationEvents)})), 0)::int as validations,
           coalesce(sum(count) filter (where event in (${eventList(q.validationEvents)}) and code <> 'VALID'), 0)::int as failures,
           coalesce(sum(count) filter (where event = 'auth_failure'), 0)::int as auth_failures
      from metric_rollups
     where tenant_id <> '' and minute >= ${q.from} and minute < ${q.to}
     group by tenant_id`);
  return (result.rows as { tenant_id: string; validations: number; failures: number; auth_failures: number }[]).map((r) => ({
    tenantId: r.tenant_id,
    validations: Number(r.validations),
    failures: Number(r.failures),
    authFailures: Number(r.auth_failures),
  }));
}

/** Rollups older than `before` (the API never reads past 90 days). */
export async function sweepRollups(db: Queryable, before: Date): Promise<void> {
  await db.execute(sql`delete from metric_rollups where minute < ${before}`);
}

export interface Gauges {
  licenses: { active: number; suspended: number; revoked: number; expired: number };
  liveDevices: number;
  seats: { used: number; total: number; unlimitedLicenses: number };
  expiring: { within7Days: number; within30Days: number };
  webhookDeliveries: { failed: number; retrying: number };
}

/**
 * Exact counts, not samples, in one statement. A device is live while it holds a seat and, under
 * a heartbeat policy, its last heartbeat is within interval + grace.
 */
export async function gauges(db: Queryable, tenantId: string, now: Date): Promise<Gauges> {
  // Seats count on licenses that can still be used: active and not past their expiry.
  const usable = sql`l.status = 'active' and (l.expires_at is null or l.expires_at > ${now})`;
  const result = await db.execute(sql`
    select
      (select count(*) from licenses where tenant_id = ${tenantId} and status = 'active' and (expires_at is null or expires_at > ${now}))::int as active,
      (select count(*) from licenses where tenant_id = ${tenantId} and status = 'suspended')::int as suspended,
      (select count(*) from licenses where tenant_id = ${tenantId} and status = 'revoked')::int as revoked,
      (select count(*) from licenses where tenant_id = ${tenantId} and status = 'active' and expires_at <= ${now})::int as expired,
      (select count(*) from activations a join licenses l on l.id = a.license_id join policies p on p.id = l.policy_id
        where a.tenant_id = ${tenantId} and a.deactivated_at is null
          and (p.heartbeat_interval_s is null
               or a.last_heartbeat_at >= ${now}::timestamptz - make_interval(secs => p.heartbeat_interval_s + p.heartbeat_grace_s)))::int as live_devices,
      (select coalesce(sum(l.activation_count), 0) from licenses l where l.tenant_id = ${tenantId} and ${usable})::int as seats_used,
      (select coalesce(sum(p.max_activations), 0) from licenses l join policies p on p.id = l.policy_id
        where l.tenant_id = ${tenantId} and ${usable} and p.max_activations is not null)::int as seats_total,
      (select count(*) from licenses l join policies p on p.id = l.policy_id
        where l.tenant_id = ${tenantId} and ${usable} and p.max_activations is null)::int as unlimited,
      (select count(*) from licenses where tenant_id = ${tenantId} and status = 'active'
        and expires_at > ${now} and expires_at <= ${now}::timestamptz + interval '7 days')::int as expiring_7,
      (select count(*) from licenses where tenant_id = ${tenantId} and status = 'active'
        and expires_at > ${now} and expires_at <= ${now}::timestamptz + interval '30 days')::int as expiring_30,
      (select count(*) from webhook_deliveries where tenant_id = ${tenantId} and status = 'failed')::int as deliveries_failed,
      (select count(*) from webhook_deliveries where tenant_id = ${tenantId} and status = 'pending' and attempts > 0)::int as deliveries_retrying`);
  const r = result.rows[0] as Record<string, number>;
  const n = (name: string) => Number(r[name] ?? 0);
  return {
    licenses: { active: n("active"), suspended: n("suspended"), revoked: n("revoked"), expired: n("expired") },
    liveDevices: n("live_devices"),
    seats: { used: n("seats_used"), total: n("seats_total"), unlimitedLicenses: n("unlimited") },
    expiring: { within7Days: n("expiring_7"), within30Days: n("expiring_30") },
    webhookDeliveries: { failed: n("deliveries_failed"), retrying: n("deliveries_retrying") },
  };
}

export type AlertRuleRow = typeof metricAlertRules.$inferSelect;

export function alertRules(db: Queryable, tenantId: string): Promise<AlertRuleRow[]> {
  return db.select().from(metricAlertRules).where(eq(metricAlertRules.tenantId, tenantId));
}

export async function putAlertRule(
  db: Queryable,
  rule: { tenantId: string; kind: AlertKind; threshold: number; minEvents: number; enabled: boolean },
): Promise<AlertRuleRow> {
  const [row] = await db
    .insert(metricAlertRules)
    .values(rule)
    .onConflictDoUpdate({
      target: [metricAlertRules.tenantId, metricAlertRules.kind],
      set: { threshold: rule.threshold, minEvents: rule.minEvents, enabled: rule.enabled, updatedAt: new Date() },
    })
    .returning();
  return row!;
}

/**
 * Marks a rule fired unless it fired since `notSince`; true when this call claimed it. One
 * conditional upsert, so two overlapping scheduled runs never both fire it.
 */
export async function claimAlertFiring(
  db: Queryable,
  rule: { tenantId: string; kind: AlertKind; threshold: number; minEvents: number; enabled: boolean },
  now: Date,
  notSince: Date,
): Promise<boolean> {
  const claimed = await db
    .insert(metricAlertRules)
    .values({ ...rule, lastFiredAt: now })
    .onConflictDoUpdate({
      target: [metricAlertRules.tenantId, metricAlertRules.kind],
      set: { lastFiredAt: now },
      setWhere: sql`${metricAlertRules.lastFiredAt} is null or ${metricAlertRules.lastFiredAt} < ${notSince}`,
    })
    .returning({ kind: metricAlertRules.kind });
  return claimed.length > 0;
}
