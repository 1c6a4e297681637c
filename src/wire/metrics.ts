// Usage metrics on the wire: time series aligned to their buckets (ready to chart), the summary
// with its exact gauges, the top licenses, and alert rules.
import { z } from "@hono/zod-openapi";
import { ALERT_KINDS, type AlertRule, METRIC_GROUPS, METRIC_INTERVALS } from "../contract/metrics";
import type { Gauges } from "../db/repositories/metrics";
import type { Series } from "../services/metrics/service";
import { Timestamp } from "./common";

export const MetricSeries = z
  .object({
    from: Timestamp,
    to: Timestamp,
    interval: z.enum(METRIC_INTERVALS),
    group_by: z.enum(METRIC_GROUPS),
    buckets: z.array(Timestamp).openapi({ description: "The start of each interval, oldest first" }),
    series: z.array(
      z.object({
        key: z.string().openapi({ description: 'The group\'s value (a code, an application id or a colo; "" when unknown)' }),
        counts: z.array(z.number().int()).openapi({ description: "One count per bucket" }),
        total: z.number().int(),
      }),
    ),
  })
  .openapi("MetricSeries");

export const seriesBody = (series: Series, groupBy: (typeof METRIC_GROUPS)[number]) => ({
  from: series.from.toISOString(),
  to: series.to.toISOString(),
  interval: series.interval,
  group_by: groupBy,
  buckets: series.buckets.map((b) => b.toISOString()),
  series: series.series,
});

const Window = z.object({
  from: Timestamp,
  to: Timestamp,
  validations: z.number().int(),
  valid: z.number().int(),
  success_rate: z.number().nullable().openapi({ description: "VALID / validations; null without validations" }),
  by_code: z.record(z.string(), z.number().int()),
  auth_failures: z.number().int(),
});

export const MetricSummary = z
  .object({
    store: z.enum(["local", "analytics_engine", "off"]).openapi({ description: "Where counts are recorded (README: Usage metrics)" }),
    gauges: z.object({
      licenses: z.object({ active: z.number().int(), suspended: z.number().int(), revoked: z.number().int(), expired: z.number().int() }),
      live_devices: z
        .number()
        .int()
        .openapi({ description: "Activations holding a seat whose heartbeat (if the policy wants one) is within interval + grace" }),
      seats: z.object({ used: z.number().int(), total: z.number().int(), unlimited_licenses: z.number().int() }),
      expiring: z.object({ within_7_days: z.number().int(), within_30_days: z.number().int() }),
      webhook_deliveries: z.object({ failed: z.number().int(), retrying: z.number().int() }),
    }),
    last_24h: Window,
    last_30d: Window,
  })
  .openapi("MetricSummary");

type WindowIn = { from: Date; to: Date; validations: number; valid: number; successRate: number | null; byCode: Record<string, number>; authFailures: number };

const windowBody = (w: WindowIn) => ({
  from: w.from.toISOString(),
  to: w.to.toISOString(),
  validations: w.validations,
  valid: w.valid,
  success_rate: w.successRate,
  by_code: w.byCode,
  auth_failures: w.authFailures,
});

export const summaryBody = (s: { store: "local" | "analytics_engine" | "off"; gauges: Gauges; last24h: WindowIn; last30d: WindowIn }) => ({
  store: s.store,
  gauges: {
    licenses: s.gauges.licenses,
    live_devices: s.gauges.liveDevices,
    seats: { used: s.gauges.seats.used, total: s.gauges.seats.total, unlimited_licenses: s.gauges.seats.unlimitedLicenses },
    expiring: { within_7_days: s.gauges.expiring.within7Days, within_30_days: s.gauges.expiring.within30Days },
    webhook_deliveries: s.gauges.webhookDeliveries,
  },
  last_24h: windowBody(s.last24h),
  last_30d: windowBody(s.last30d),
});

export const TopLicenses = z
  .object({
    from: Timestamp,
    to: Timestamp,
    metric: z.enum(["failures", "validations"]),
    data: z.array(
      z.object({
        license_id: z.string(),
        count: z.number().int(),
        key_prefix: z.string().nullable().openapi({ description: "null when the license no longer exists" }),
        customer_id: z.string().nullable().openapi({ description: "Its customer (GET /v1/customers?ids=... names them)" }),
      }),
    ),
  })
  .openapi("TopLicenses");

export const topLicensesBody = (t: {
  from: Date;
  to: Date;
  metric: "failures" | "validations";
  data: { licenseId: string; count: number; keyPrefix: string | null; customerId: string | null }[];
}) => ({
  from: t.from.toISOString(),
  to: t.to.toISOString(),
  metric: t.metric,
  data: t.data.map((d) => ({ license_id: d.licenseId, count: d.count, key_prefix: d.keyPrefix, customer_id: d.customerId })),
});

export const AlertRuleSchema = z
  .object({
    kind: z.enum(ALERT_KINDS),
    threshold: z.number().openapi({ description: "validation_failure_rate: a share 0..1; auth_failures_per_minute: a count" }),
    min_events: z.number().int().openapi({ description: "Fewer events in the 15-minute window never fire" }),
    enabled: z.boolean(),
    last_fired_at: Timestamp.nullable(),
  })
  .openapi("AlertRule");

export const alertRuleBody = (rule: AlertRule & { lastFiredAt: Date | null }) => ({
  kind: rule.kind,
  threshold: rule.threshold,
  min_events: rule.minEvents,
  enabled: rule.enabled,
  last_fired_at: rule.lastFiredAt?.toISOString() ?? null,
});
