// Who licenses belong to (seed 003): a customer is the buying account, users are the people under
// it, groups hold a customer's users. A license may belong to a customer and be assigned to its
// users and groups (named seats). Personal data lives only in the columns named here (names,
// emails, company, country, metadata), so export and erasure are exact (services/privacy.ts).
import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { USER_ROLES, type UserRole } from "../../contract/customers";
import { createdAt, oneOf, updatedAt } from "./columns";
import { tenants } from "./tenancy";

export const customers = pgTable(
  "customers",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** A company's or a person's name; null only once erased. */
    name: text("name"),
    email: text("email"),
    company: text("company"),
    /** ISO 3166-1 alpha-2. */
    country: text("country"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    /** Set by erasure: the personal fields above are gone, the row stays so licenses keep their owner's id. */
    erasedAt: timestamp("erased_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("customers_tenant_idx").on(t.tenantId, t.createdAt),
    index("customers_tenant_email_idx").on(t.tenantId, sql`lower(${t.email})`),
    check("customers_country_check", sql`country IS NULL OR country ~ '^[A-Z]{2}$'`),
  ],
);

/** A customer's ids in other systems (a payment provider's customer id): one per provider, unique per tenant. */
export const customerExternalIds = pgTable(
  "customer_external_ids",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    externalId: text("external_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.provider, t.externalId] }),
    uniqueIndex("customer_external_ids_customer_provider_idx").on(t.customerId, t.provider),
  ],
);

/** The people who use the software under a customer. */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name"),
    role: text("role").$type<UserRole>().notNull().default("member"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("users_customer_email_idx").on(t.customerId, sql`lower(${t.email})`),
    index("users_tenant_idx").on(t.tenantId, t.createdAt),
    index("users_customer_idx").on(t.customerId, t.createdAt),
    check("users_role_check", oneOf("role", USER_ROLES)),
  ],
);

/** A customer's users in named groups (departments, teams). */
export const groups = pgTable(
  "groups",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("groups_customer_name_idx").on(t.customerId, t.name), index("groups_tenant_idx").on(t.tenantId, t.createdAt)],
);

export const groupMembers = pgTable(
  "group_members",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user_idx").on(t.userId)],
);
