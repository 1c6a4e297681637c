// The local metrics store and alert rules.
import { bigint, boolean, check, doublePrecision, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { ALERT_KINDS, type AlertKind } from "../../contract/metrics";
import { oneOf, updatedAt } from "./columns";
import { tenants } from "./tenancy";

/**
 * The local metrics store (services/metrics/local.ts): counts per minute and per dimension,
 * upserted in batches after responses. Workers Analytics Engine replaces it where configured.
 * `tenant_id` is "" for points no tenant could be named for (unknown keys and credentials).
 */
export const metricRollups = pgTable(
  "metric_rollups",
  {
    tenantId: text("tenant_id").notNull(),
    minute: timestamp("minute", { withTimezone: true }).notNull(),
    event: text("event").notNull(),
    code: text("code").notNull(),
    applicationId: text("application_id").notNull().default(""),
    policyId: text("policy_id").notNull().default(""),
    licenseId: text("license_id").notNull().default(""),
    colo: text("colo").notNull().default(""),
    country: text("country").notNull().default(""),
    count: integer("count").notNull(),
    durationMsSum: bigint("duration_ms_sum", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "metric_rollups_pk", columns: [t.tenantId, t.minute, t.event, t.code, t.applicationId, t.policyId, t.licenseId, t.colo, t.country] }),
  ],
);

/** A tenant's threshold alert rules; a kind with no row follows DEFAULT_ALERT_RULES. */
export const metricAlertRules = pgTable(
  "metric_alert_rules",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind").$type<AlertKind>().notNull(),
    threshold: doublePrecision("threshold").notNull(),
    minEvents: integer("min_events").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** When it last fired: at most once an hour. */
    lastFiredAt: timestamp("last_fired_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind] }), check("metric_alert_rules_kind_check", oneOf("kind", ALERT_KINDS))],
);
