// The metrics API's answers: time series by code, application or colo, failed authentications,
// the busiest and most failing licenses, exact gauges from Postgres and a summary, and the
// tenant's alert rules, evaluated on the scheduled tick.
import {
  ALERT_COOLDOWN_MS,
  ALERT_KINDS,
  ALERT_WINDOW_MS,
  type AlertKind,
  type AlertRule,
  DEFAULT_ALERT_RULES,
  INTERVAL_MS,
  MAX_POINTS,
  MAX_RANGE_MS,
  type MetricEvent,
  type MetricGroup,
  type MetricInterval,
  VALID_CODE,
  VALIDATION_EVENTS,
} from "../../contract/metrics";
import { licenseOwners } from "../../db/repositories/licenses";
import { alertRules, claimAlertFiring, gauges, putAlertRule } from "../../db/repositories/metrics";
import { AppError } from "../../errors";
import { requireActor } from "../actor";
import type { ChangeRunner } from "../changes";
import type { ServiceDeps } from "../context";
import { recordEvent } from "../events";

export interface RangeInput {
  from?: Date;
  to?: Date;
  interval: MetricInterval;
}

/** Counts per bucket for each group, aligned with `buckets` (zeros where nothing happened). */
export interface Series {
  from: Date;
  to: Date;
  interval: MetricInterval;
  buckets: Date[];
  series: { key: string; counts: number[]; total: number }[];
}

const DAY_MS = 86_400_000;
const badRange = (message: string, path = "from") => new AppError("VALIDATION_FAILED", message, { details: [{ path, message }] });

/** A range with no buckets: 24 h up to now by default, at most 90 days. */
export function boundRange(input: { from?: Date; to?: Date }, now = new Date()): { from: Date; to: Date } {
  const to = input.to ?? now;
  const from = input.from ?? new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) throw badRange("`from` must be before `to`.");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw badRange("The range is limited to 90 days.");
  return { from, to };
}

/** How far back a range reaches when it names no `from`: a span whose buckets fit the limit at every interval. */
export const DEFAULT_SPAN_MS: Record<RangeInput["interval"], number> = { minute: 3_600_000, hour: DAY_MS, day: 30 * DAY_MS };

/** The range aligned to whole intervals: by default the interval's span up to now, at most 90 days and 1,000 buckets. */
export function alignRange(input: RangeInput, now = new Date()): { from: Date; to: Date; buckets: Date[] } {
  const step = INTERVAL_MS[input.interval];
  const to = Math.ceil((input.to ?? now).getTime() / step) * step;
  const from = Math.floor((input.from ?? new Date(to - DEFAULT_SPAN_MS[input.interval])).getTime() / step) * step;
  if (from >= to) throw badRange("`from` must be before `to`.");
  if (to - from > MAX_RANGE_MS) throw badRange("The range is limited to 90 days.");
  const count = (to - from) / step;
  if (count > MAX_POINTS) throw badRange(`At most ${MAX_POINTS} points: use a wider interval or a shorter range.`, "interval");
  return { from: new Date(from), to: new Date(to), buckets: Array.from({ length: count }, (_, i) => new Date(from + i * step)) };
}

export function metricsService(deps: ServiceDeps, changes: ChangeRunner) {
  const tenantId = () => requireActor(deps).tenantId;
  const { reader, sink } = deps.metrics;

  async function series(events: readonly MetricEvent[], groupBy: MetricGroup, input: RangeInput): Promise<Series> {
    const range = alignRange(input);
    // What this isolate still holds goes out first, so a reader sees its own requests.
    await sink.flush();
    const rows = await reader.series({ tenantId: tenantId(), events, from: range.from, to: range.to, interval: input.interval, groupBy });
    const index = new Map(range.buckets.map((b, i) => [b.getTime(), i]));
    const groups = new Map<string, number[]>();
    for (const row of rows) {
      const at = index.get(row.bucket.getTime());
      if (at === undefined) continue;
      const counts = groups.get(row.key) ?? Array<number>(range.buckets.length).fill(0);
      counts[at]! += row.count;
      groups.set(row.key, counts);
    }
    const out = [...groups.entries()]
      .map(([key, counts]) => ({ key, counts, total: counts.reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
    return { from: range.from, to: range.to, interval: input.interval, buckets: range.buckets, series: out };
  }

  async function window(from: Date, to: Date) {
    const byCode = await reader.totals({ tenantId: tenantId(), events: VALIDATION_EVENTS, from, to });
    const authFailures = (await reader.totals({ tenantId: tenantId(), events: ["auth_failure"], from, to })).reduce((n, r) => n + r.count, 0);
    const validations = byCode.reduce((n, r) => n + r.count, 0);
    const valid = byCode.find((r) => r.code === VALID_CODE)?.count ?? 0;
    return {
      from,
      to,
      validations,
      valid,
      successRate: validations === 0 ? null : valid / validations,
      byCode: Object.fromEntries(byCode.map((r) => [r.code, r.count])),
      authFailures,
    };
  }

  return {
    validations: (input: RangeInput & { groupBy: MetricGroup }) => series(VALIDATION_EVENTS, input.groupBy, input),

    authFailures: (input: RangeInput) => series(["auth_failure"], "code", input),

    async topLicenses(input: { metric: "failures" | "validations"; from?: Date; to?: Date; limit: number }) {
      const range = boundRange(input);
      await sink.flush();
      const top = await reader.topLicenses({ tenantId: tenantId(), metric: input.metric, from: range.from, to: range.to, limit: input.limit });
      // Who each license is (its key prefix, its customer's id): enough for a console to name it,
      // and only ids, so a metrics-only credential reads no customer's personal data.
      const owners = await licenseOwners(
        deps.db(),
        tenantId(),
        top.map((t) => t.licenseId),
      );
      const data = top.map((t) => ({ ...t, keyPrefix: owners.get(t.licenseId)?.keyPrefix ?? null, customerId: owners.get(t.licenseId)?.customerId ?? null }));
      return { from: range.from, to: range.to, metric: input.metric, data };
    },

    /** Exact gauges from Postgres, and the last 24 hours' and 30 days' validations. */
    async summary(now = new Date()) {
      await sink.flush();
      const to = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
      const [exact, day, month] = await Promise.all([
        gauges(deps.db(), tenantId(), now),
        window(new Date(to.getTime() - DAY_MS), to),
        window(new Date(to.getTime() - 30 * DAY_MS), to),
      ]);
      return { gauges: exact, last24h: day, last30d: month, store: deps.metrics.kind };
    },

    /** Every alert kind, as stored or by default. */
    async alertRules(): Promise<(AlertRule & { lastFiredAt: Date | null })[]> {
      const stored = new Map((await alertRules(deps.db(), tenantId())).map((row) => [row.kind, row]));
      return ALERT_KINDS.map((kind) => {
        const row = stored.get(kind);
        return row
          ? { kind, threshold: row.threshold, minEvents: row.minEvents, enabled: row.enabled, lastFiredAt: row.lastFiredAt }
          : { ...DEFAULT_ALERT_RULES[kind], lastFiredAt: null };
      });
    },

    /** The scheduled tick's alerting, over every tenant (services/scheduled.ts). */
    evaluateAlerts: (now = new Date()) => evaluateAlerts(deps, now),

    putAlertRule: (kind: AlertKind, rule: { threshold: number; minEvents: number; enabled: boolean }) =>
      changes(async (tx, record) => {
        const row = await putAlertRule(tx, { tenantId: tenantId(), kind, ...rule });
        await record({ action: "metrics.alert_rule.update", targetType: "alert_rule", targetId: kind, details: { ...rule } });
        return { kind, threshold: row.threshold, minEvents: row.minEvents, enabled: row.enabled, lastFiredAt: row.lastFiredAt };
      }),
  };
}

/**
 * The scheduled tick's alerting: every tenant with activity in the last 15 minutes is checked
 * against its rules; a crossed rule emits `metrics.threshold_crossed`, at most once an hour.
 */
export async function evaluateAlerts(deps: ServiceDeps, now: Date): Promise<number> {
  await deps.metrics.sink.flush();
  const to = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const from = new Date(to.getTime() - ALERT_WINDOW_MS);
  const activity = await deps.metrics.reader.activity(from, to);
  let fired = 0;
  for (const tenant of activity) {
    const stored = new Map((await alertRules(deps.db(), tenant.tenantId)).map((row) => [row.kind, row]));
    for (const kind of ALERT_KINDS) {
      const row = stored.get(kind);
      const rule = row ? { kind, threshold: row.threshold, minEvents: row.minEvents, enabled: row.enabled } : DEFAULT_ALERT_RULES[kind];
      if (!rule.enabled) continue;
      const events = kind === "validation_failure_rate" ? tenant.validations : tenant.authFailures;
      const value = kind === "validation_failure_rate" ? (events === 0 ? 0 : tenant.failures / events) : events / (ALERT_WINDOW_MS / 60_000);
      if (events < rule.minEvents || value <= rule.threshold) continue;
      await deps.db().transaction(async (tx) => {
        const claimed = await claimAlertFiring(tx, { tenantId: tenant.tenantId, ...rule }, now, new Date(now.getTime() - ALERT_COOLDOWN_MS));
        if (!claimed) return;
        await recordEvent(
          tx,
          tenant.tenantId,
          { type: "metrics.threshold_crossed", alert: { kind, threshold: rule.threshold, value, events, from, to } },
          deps.serializeEvent,
        );
        fired++;
      });
    }
  }
  return fired;
}
