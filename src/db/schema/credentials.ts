// Credentials: API keys, user tokens and the access tokens exchanged for them.
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { CREDENTIAL_KINDS, type CredentialKind } from "../../contract/permissions";
import { createdAt, oneOf, updatedAt } from "./columns";
import { tenants } from "./tenancy";

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
