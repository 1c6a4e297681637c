// Tenants and what they sell: applications (the `aud` of their tokens) and policies (the rules licenses follow).
import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { DEFAULT_ACTIVITY_RETENTION_DAYS, MAX_ACTIVITY_RETENTION_DAYS } from "../../contract/activity";
import { BINDING_MODES, type BindingMode, LEASE_MODES, type LeaseMode, PROOF_OF_POSSESSION_MODES, type ProofOfPossession } from "../../contract/licenses";
import { DEFAULT_BRANDING, type PortalBranding } from "../../contract/portal";
import { PLAN_TIERS, type PlanTier, TOKEN_TIERS, type TokenTier } from "../../contract/tokens";
import { createdAt, oneOf, updatedAt } from "./columns";

export const tenants = pgTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    planTier: text("plan_tier").$type<PlanTier>().notNull().default("free"),
    /** Days of license activity kept (contract/activity.ts bounds it); the cron deletes older events. */
    activityRetentionDays: integer("activity_retention_days").notNull().default(DEFAULT_ACTIVITY_RETENTION_DAYS),
    /** The customer portal's look and allowed return origins (contract/portal.ts). */
    portalBranding: jsonb("portal_branding").$type<PortalBranding>().notNull().default(DEFAULT_BRANDING),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  () => [
    check("tenants_plan_tier_check", oneOf("plan_tier", PLAN_TIERS)),
    check("tenants_activity_retention_check", sql`activity_retention_days between 1 and ${sql.raw(String(MAX_ACTIVITY_RETENTION_DAYS))}`),
  ],
);

/** A seller's product; its id is the `aud` of the license tokens issued for it. */
export const applications = pgTable(
  "applications",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("applications_tenant_idx").on(t.tenantId, t.createdAt)],
);

export const policies = pgTable(
  "policies",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    applicationId: text("application_id").references(() => applications.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    /** null = unlimited seats. */
    maxActivations: integer("max_activations"),
    bindingMode: text("binding_mode").$type<BindingMode>().notNull().default("none"),
    /** null = no heartbeat required. */
    heartbeatIntervalS: integer("heartbeat_interval_s"),
    heartbeatGraceS: integer("heartbeat_grace_s").notNull().default(0),
    tokenTier: text("token_tier").$type<TokenTier>().notNull().default("basic"),
    /** Churn budget: at most this many deactivations per window (null = unlimited). */
    maxDeactivations: integer("max_deactivations"),
    deactivationWindowS: integer("deactivation_window_s"),
    /** LicenseChain's "binds device on first verify": a verify naming an unbound device takes a seat. */
    bindOnVerify: boolean("bind_on_verify").notNull().default(false),
    /** How long a VALID answer may be served from the edge while Postgres is unreachable (0 = never). */
    degradedGraceS: integer("degraded_grace_s").notNull().default(3600),
    /** License files: the lifetime a checkout gets when it names none, and the longest it may ask for. */
    offlineTtlDefaultS: integer("offline_ttl_default_s")
      .notNull()
      .default(30 * 86400),
    offlineTtlMaxS: integer("offline_ttl_max_s")
      .notNull()
      .default(365 * 86400),
    /** A file with no `exp` at all (checked out with `ttl_s: null`). */
    allowPerpetualOffline: boolean("allow_perpetual_offline").notNull().default(false),
    /** Files may outlive the license's own expiry (else their `exp` stops there). */
    offlineOutlivesLicense: boolean("offline_outlives_license").notNull().default(false),
    /** Floating licenses: `none`, one seat per lease (`per_license`), or one seat per user (`per_user`). */
    leaseMode: text("lease_mode").$type<LeaseMode>().notNull().default("none"),
    /** DPoP device keys (contract/licenses.ts PROOF_OF_POSSESSION_MODES). */
    proofOfPossession: text("proof_of_possession").$type<ProofOfPossession>().notNull().default("none"),
    /** Concurrent seats when leases are on (null = unlimited). */
    maxLeases: integer("max_leases"),
    /** Named seats: how many of the customer's users may hold a license (null = no limit). */
    maxUsers: integer("max_users"),
    /** How long a lease lives without a heartbeat. */
    leaseTtlS: integer("lease_ttl_s").notNull().default(600),
    /** The longest a lease may be borrowed for (0 = no borrowing). */
    maxBorrowS: integer("max_borrow_s")
      .notNull()
      .default(7 * 86400),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("policies_tenant_idx").on(t.tenantId, t.createdAt),
    check("policies_binding_mode_check", oneOf("binding_mode", BINDING_MODES)),
    check("policies_token_tier_check", oneOf("token_tier", TOKEN_TIERS)),
    check("policies_max_activations_check", sql`max_activations IS NULL OR max_activations >= 0`),
    check("policies_heartbeat_check", sql`(heartbeat_interval_s IS NULL OR heartbeat_interval_s > 0) AND heartbeat_grace_s >= 0`),
    check("policies_churn_budget_check", sql`(max_deactivations IS NULL) = (deactivation_window_s IS NULL)`),
    check("policies_degraded_grace_check", sql`degraded_grace_s >= 0 AND degraded_grace_s <= 604800`),
    check("policies_lease_mode_check", oneOf("lease_mode", LEASE_MODES)),
    check("policies_proof_of_possession_check", oneOf("proof_of_possession", PROOF_OF_POSSESSION_MODES)),
    check("policies_max_users_check", sql`max_users IS NULL OR max_users >= 1`),
    check("policies_lease_check", sql`lease_ttl_s >= 60 AND lease_ttl_s <= 86400 AND (max_leases IS NULL OR max_leases >= 0) AND max_borrow_s >= 0`),
    check("policies_offline_ttl_check", sql`offline_ttl_default_s >= 60 AND offline_ttl_default_s <= offline_ttl_max_s AND offline_ttl_max_s <= 315360000`),
  ],
);
