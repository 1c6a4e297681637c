// Licenses and what hangs on them: device activations, floating leases, status-list entries,
// idempotent replays, revoked tokens, and the users and groups they are assigned to.
import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { DEACTIVATION_REASONS, type DeactivationReason, LICENSE_STATUSES, type LicenseStatus } from "../../contract/licenses";
import { createdAt, oneOf, updatedAt } from "./columns";
import { customers, groups, users } from "./customers";
import { applications, policies, tenants } from "./tenancy";

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
    /** Who bought it (a customer may not be deleted while it owns licenses: erase it instead). */
    customerId: text("customer_id").references(() => customers.id, { onDelete: "restrict" }),
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
    /** Overrides the policy's max_activations for this license (a billing connector's quantity); null: the policy's. */
    maxActivations: integer("max_activations"),
    /** The billing connector that made and keeps this license (null: made by hand), and the provider's subscription or order. */
    billingConnectorId: text("billing_connector_id"),
    billingReference: text("billing_reference"),
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
    index("licenses_customer_idx").on(t.customerId),
    check("licenses_status_check", oneOf("status", LICENSE_STATUSES)),
    check("licenses_activation_count_check", sql`activation_count >= 0`),
    check("licenses_max_activations_check", sql`max_activations is null or max_activations >= 0`),
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
    /** Entries the list holds (its padded size): indexes are drawn at random below it, and it grows by blocks. */
    capacity: integer("capacity").notNull().default(16384),
    /** Bumped in every transaction that changes an entry's status; the published copy names the version it read. */
    version: bigint("version", { mode: "number" }).notNull().default(1),
    /** The newest version published; the list is stale while `version` is ahead of it. */
    builtVersion: bigint("built_version", { mode: "number" }).notNull().default(0),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
    /** When the published copy read the statuses (null: never built). */
    builtAt: timestamp("built_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("status_lists_tenant_idx").on(t.tenantId), check("status_lists_capacity_check", sql`capacity > 0`)],
);

/**
 * A list's entries: one per license (its tokens and license files), per activation that got a
 * machine file, and per borrowed lease. The primary key keeps two holders off one index; the bits
 * come from the holder's state at rebuild (a released activation or lease reads invalid).
 */
export const statusEntries = pgTable(
  "status_entries",
  {
    listId: text("list_id")
      .notNull()
      .references(() => statusLists.id, { onDelete: "cascade" }),
    idx: integer("idx").notNull(),
    licenseId: text("license_id")
      .notNull()
      .references(() => licenses.id, { onDelete: "cascade" }),
    activationId: text("activation_id").references(() => activations.id, { onDelete: "cascade" }),
    leaseId: text("lease_id").references(() => leases.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.listId, t.idx] }),
    index("status_entries_license_idx").on(t.licenseId),
    uniqueIndex("status_entries_activation_idx").on(t.activationId).where(sql`activation_id IS NOT NULL`),
    uniqueIndex("status_entries_lease_idx").on(t.leaseId).where(sql`lease_id IS NOT NULL`),
    check("status_entries_idx_check", sql`idx >= 0`),
  ],
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
    /** RFC 7638 thumbprint of the device key that proved possession on activate (DPoP); null: not key-bound. */
    dpopJkt: text("dpop_jkt"),
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
 * DPoP proofs already used (RFC 9449 section 11.1): a proof's `jti` per key, kept until its `iat`
 * window closes. Written by the same statement that reads the license (license-records.ts), so
 * replay detection is global across isolates and colos at no extra round trip. Swept by the cron.
 */
export const dpopProofs = pgTable(
  "dpop_proofs",
  {
    /** crypto/dpop.ts dpopJtiKey: 128 bits of SHA-256 over the key's thumbprint and the `jti`. */
    key: text("key").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("dpop_proofs_expires_idx").on(t.expiresAt)],
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

/** Named seats: a license assigned to a user directly. */
export const licenseUsers = pgTable(
  "license_users",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    licenseId: text("license_id")
      .notNull()
      .references(() => licenses.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.userId] }), index("license_users_user_idx").on(t.userId)],
);

/** A license assigned to a group: its members hold it. */
export const licenseGroups = pgTable(
  "license_groups",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    licenseId: text("license_id")
      .notNull()
      .references(() => licenses.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.groupId] }), index("license_groups_group_idx").on(t.groupId)],
);
