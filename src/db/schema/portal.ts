// Customer portal sessions (services/portal.ts): made by a seller's backend for one customer, opened
// once through a one-time code, then used through a portal credential. Only hashes are stored.
import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { customers, users } from "./customers";
import { tenants } from "./tenancy";

export const portalSessions = pgTable(
  "portal_sessions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    /** SHA-256 of the link's one-time code; null once exchanged. */
    /**
     * The customer's user the session is for, or null: the customer's account holder. A user
     * session can manage the customer's users and seats only while that user is an `admin`;
     * deleting the user ends the session.
     */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash"),
    codeExpiresAt: timestamp("code_expires_at", { withTimezone: true }).notNull(),
    /** SHA-256 of the portal credential; set by the exchange. */
    tokenHash: text("token_hash"),
    returnUrl: text("return_url"),
    locale: text("locale"),
    /** The credential (API key or access token) that made it. */
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    exchangedAt: timestamp("exchanged_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("portal_sessions_code_idx").on(t.codeHash),
    uniqueIndex("portal_sessions_token_idx").on(t.tokenHash),
    index("portal_sessions_customer_idx").on(t.tenantId, t.customerId, t.createdAt),
  ],
);
