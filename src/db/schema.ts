// Drizzle schema: the source of truth for `migrations/` (run `npm run db:generate` after a change).
// Every tenant-owned table carries `tenant_id`, and every query filters on it.
import { sql } from "drizzle-orm";
import { bigint, boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { DELIVERY_STATUSES, type DeliveryStatus, type EventType } from "../contract/events";
import {
  BINDING_MODES,
  type BindingMode,
  DEACTIVATION_REASONS,
  type DeactivationReason,
  LEASE_MODES,
  type LeaseMode,
  LICENSE_STATUSES,
  type LicenseStatus,
} from "../contract/licenses";
import { ALERT_KINDS, type AlertKind } from "../contract/metrics";
import { CREDENTIAL_KINDS, type CredentialKind } from "../contract/permissions";
import { PLAN_TIERS, type PlanTier, TOKEN_TIERS, type TokenTier } from "../contract/tokens";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

const oneOf = (column: string, values: readonly string[]) => sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(", ")})`);

export const tenants = pgTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    planTier: text("plan_tier").$type<PlanTier>().notNull().default("free"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  () => [check("tenants_plan_tier_check", oneOf("plan_tier", PLAN_TIERS))],
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
    /** Concurrent seats when leases are on (null = unlimited). */
    maxLeases: integer("max_leases"),
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
    check("policies_lease_check", sql`lease_ttl_s >= 60 AND lease_ttl_s <= 86400 AND (max_leases IS NULL OR max_leases >= 0) AND max_borrow_s >= 0`),
    check("policies_offline_ttl_check", sql`offline_ttl_default_s >= 60 AND offline_ttl_default_s <= offline_ttl_max_s AND offline_ttl_max_s <= 315360000`),
  ],
);

export const licenses = pgTable(
  "licenses",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    applicationId: text("application_id").references(() => applications.id, { onDelete: "restrict" }),
    policyId: text("policy_id")
      .notNull()
      .references(() => policies.id, { onDelete: "restrict" }),
    /** Hex SHA-256 of the full license key; the key itself is never stored. */
    keyHash: text("key_hash").notNull(),
    /** First characters of the key, enough for a human to recognise it. */
    keyPrefix: text("key_prefix").notNull(),
    status: text("status").$type<LicenseStatus>().notNull().default("active"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    plan: text("plan"),
    features: jsonb("features").$type<string[]>().notNull().default([]),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    /** CIDR allowlist for the `ip` binding mode. */
    allowedCidrs: jsonb("allowed_cidrs").$type<string[]>().notNull().default([]),
    /** Seats held by live activations, kept exact by conditional updates in Postgres. */
    activationCount: integer("activation_count").notNull().default(0),
    /** When `license.expired` was emitted (by the scheduled sweep), so it is emitted once. */
    expiryNotifiedAt: timestamp("expiry_notified_at", { withTimezone: true }),
    /** The license's index in its tenant's status list; given at creation, or at its first checkout. */
    statusListIdx: integer("status_list_idx"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("licenses_key_hash_idx").on(t.keyHash),
    uniqueIndex("licenses_status_list_idx").on(t.tenantId, t.statusListIdx),
    // Air-gapped requests name their license by the key's visible prefix (and the console searches by it).
    index("licenses_tenant_key_prefix_idx").on(t.tenantId, t.keyPrefix),
    index("licenses_tenant_idx").on(t.tenantId, t.createdAt),
    index("licenses_tenant_status_idx").on(t.tenantId, t.status),
    check("licenses_status_check", oneOf("status", LICENSE_STATUSES)),
    check("licenses_activation_count_check", sql`activation_count >= 0`),
  ],
);

/**
 * A tenant's Token Status List (draft-ietf-oauth-status-list): 2 bits per license, published signed
 * at GET /v1/status-lists/{id}. `next_idx` hands out indexes; the bits come from licenses.status.
 */
export const statusLists = pgTable(
  "status_lists",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    nextIdx: integer("next_idx").notNull().default(0),
    /** Bumped in the transaction that changes a license's status; the list is stale while it is after `built_at`. */
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
    /** When the published copy read the statuses (null: never built). */
    builtAt: timestamp("built_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("status_lists_tenant_idx").on(t.tenantId), check("status_lists_next_idx_check", sql`next_idx >= 0`)],
);

/**
 * Floating seats: a lease is live while `released_at IS NULL AND expires_at > now` (now from the
 * caller), so a crashed client frees its seat exactly at its TTL with no sweep. A borrowed lease
 * holds its seat until `expires_at` = the borrow's end.
 */
export const leases = pgTable(
  "leases",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    licenseId: text("license_id")
      .notNull()
      .references(() => licenses.id, { onDelete: "cascade" }),
    /** The running copy of the software (a process, a session): one lease each. */
    instanceId: text("instance_id").notNull(),
    /** `per_user` policies: who; one seat per user however many instances. */
    userId: text("user_id"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastHeartbeatAt: timestamp("last_heartbeat_at", { withTimezone: true }).notNull(),
    borrowedUntil: timestamp("borrowed_until", { withTimezone: true }),
    releasedAt: timestamp("released_at", { withTimezone: true }),
    /** When `lease.expired` was emitted by the cron (for events only: liveness never reads it). */
    expiryNotifiedAt: timestamp("expiry_notified_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("leases_license_live_idx").on(t.licenseId, t.expiresAt),
    index("leases_tenant_idx").on(t.tenantId, t.createdAt),
    index("leases_expiry_idx").on(t.expiresAt),
  ],
);

export const activations = pgTable(
  "activations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    licenseId: text("license_id")
      .notNull()
      .references(() => licenses.id, { onDelete: "cascade" }),
    fingerprint: text("fingerprint").notNull(),
    name: text("name"),
    domain: text("domain"),
    ip: text("ip"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    lastHeartbeatAt: timestamp("last_heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set when the seat is released; the row stays as history. */
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
    /** Who released it: the client, an admin, the heartbeat rule. Only `client` counts toward churn. */
    deactivationReason: text("deactivation_reason").$type<DeactivationReason>(),
    createdAt: createdAt(),
  },
  (t) => [
    index("activations_license_released_idx").on(t.licenseId, t.deactivatedAt),
    check("activations_deactivation_reason_check", sql`deactivation_reason IS NULL OR ${oneOf("deactivation_reason", DEACTIVATION_REASONS)}`),
    // One live activation per fingerprint per license; released ones may repeat.
    uniqueIndex("activations_live_fingerprint_idx").on(t.licenseId, t.fingerprint).where(sql`deactivated_at IS NULL`),
    index("activations_tenant_idx").on(t.tenantId, t.createdAt),
  ],
);

/**
 * A user token (a UUID shown once) carries directly assigned permissions and is exchanged at
 * POST /v1/auth/token for 24 h access tokens. Refreshing it bumps `generation`, which kills every
 * access token issued from an earlier generation.
 */
export const userTokens = pgTable(
  "user_tokens",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    permissions: text("permissions").array().notNull().default(sql`'{}'::text[]`),
    generation: integer("generation").notNull().default(1),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("user_tokens_token_hash_idx").on(t.tokenHash), index("user_tokens_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** API keys (`sk_`) and the access tokens (`at_`) exchanged for user tokens: both are bearer credentials. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind").$type<CredentialKind>().notNull().default("api_key"),
    name: text("name").notNull(),
    /** Hex SHA-256 of the full secret; the secret is shown once at creation. */
    keyHash: text("key_hash").notNull(),
    keyPrefix: text("key_prefix").notNull(),
    permissions: text("permissions").array().notNull().default(sql`'{}'::text[]`),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    /** For access tokens: the user token and its generation they were issued from. */
    userTokenId: text("user_token_id").references(() => userTokens.id, { onDelete: "cascade" }),
    userTokenGeneration: integer("user_token_generation"),
    /** Set by rotation: the key that replaced this one (which keeps working until `expires_at`). */
    replacedBy: text("replaced_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_idx").on(t.keyHash),
    index("api_keys_tenant_idx").on(t.tenantId, t.createdAt),
    check("api_keys_kind_check", oneOf("kind", CREDENTIAL_KINDS)),
    check("api_keys_access_token_check", sql`kind = 'api_key' OR (user_token_id IS NOT NULL AND user_token_generation IS NOT NULL AND expires_at IS NOT NULL)`),
  ],
);

/** Revoked license tokens: the source of truth behind the KV denylist. */
export const revokedTokens = pgTable(
  "revoked_tokens",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    jti: text("jti").notNull(),
    licenseId: text("license_id"),
    /** When the token would have expired anyway; rows past it can be swept. */
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }).notNull().defaultNow(),
    revokedBy: text("revoked_by"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.jti] }), index("revoked_tokens_expires_idx").on(t.expiresAt)],
);

/**
 * Replayable answers for `Idempotency-Key` retries on public license routes, scoped to the license
 * (its row lock serialises them). Swept after a day.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    licenseId: text("license_id")
      .notNull()
      .references(() => licenses.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    route: text("route").notNull(),
    /** SHA-256 of the request body: the same key with another body is refused. */
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: jsonb("body").$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.route, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);

/** A tenant's webhook receiver. Signing secrets are stored AES-256-GCM encrypted, never in clear. */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** Subscribed event types; empty = every event. */
    eventTypes: text("event_types").array().notNull().default(sql`'{}'::text[]`),
    enabled: boolean("enabled").notNull().default(true),
    secretCiphertext: text("secret_ciphertext").notNull(),
    /** During a rotation window the previous secret signs too (two signatures per delivery). */
    previousSecretCiphertext: text("previous_secret_ciphertext"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("webhook_endpoints_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** The outbox: one row per event, written in the same transaction as the change it reports. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    /** Also the `webhook-id` header: the same on every retry and every endpoint. */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** The exact JSON body sent: `{ type, timestamp, data }`. */
    payload: text("payload").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_events_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** One event to one endpoint, retried with backoff until a 2xx or the last attempt. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The event's type, kept on the delivery so a list of deliveries says what each one was. */
    eventType: text("event_type").$type<EventType>(),
    status: text("status").$type<DeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt is due; while an attempt runs, the end of its lease. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastDurationMs: integer("last_duration_ms"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_tenant_idx").on(t.tenantId, t.createdAt),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    check("webhook_deliveries_status_check", oneOf("status", DELIVERY_STATUSES)),
  ],
);

/** Every attempt of a delivery, as recorded. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);

/**
 * Append-only, hash-chained per tenant: hash = SHA-256(prev_hash || canonical row). A trigger
 * (migration 0005) refuses UPDATE and DELETE.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    id: text("id").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    requestId: text("request_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.seq] }), uniqueIndex("audit_log_id_idx").on(t.id)],
);

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
