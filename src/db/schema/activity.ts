// The local activity store (services/activity/local.ts): one row per recorded request, written in
// batches after responses. Workers Analytics Engine replaces it where configured. No foreign keys:
// a batch must not fail because a license was deleted meanwhile; retention and erasure delete rows.
import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

const blank = (name: string) => text(name).notNull().default("");

export const activityEvents = pgTable(
  "activity_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    licenseId: text("license_id").notNull(),
    customerId: blank("customer_id"),
    operation: text("operation").notNull(),
    code: text("code").notNull(),
    activationId: blank("activation_id"),
    fingerprintPrefix: blank("fingerprint_prefix"),
    domain: blank("domain"),
    country: blank("country"),
    colo: blank("colo"),
    network: blank("network"),
    userAgent: blank("user_agent"),
    sdk: blank("sdk"),
    requestId: blank("request_id"),
  },
  // A license's history, a customer's and a tenant's, each newest first: one index range each.
  (t) => [
    index("activity_events_license_idx").on(t.tenantId, t.licenseId, t.at.desc(), t.id.desc()),
    index("activity_events_customer_idx").on(t.tenantId, t.customerId, t.at.desc(), t.id.desc()),
    index("activity_events_tenant_idx").on(t.tenantId, t.at.desc(), t.id.desc()),
  ],
);
