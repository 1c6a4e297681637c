// Billing connectors (services/billing): a payment provider's webhooks, received at a connector's
// own endpoint, recorded one row per delivery attempt that reached us (the event log), and linked
// to the license each subscription or order made.
import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import {
  BILLING_EVENT_OUTCOMES,
  BILLING_PROVIDERS,
  type BillingEventOutcome,
  type BillingFact,
  type BillingMapping,
  type BillingProvider,
} from "../../contract/billing";
import { createdAt, oneOf, updatedAt } from "./columns";
import { licenses } from "./licensing";
import { tenants } from "./tenancy";

/** A provider account wired to licenses. The provider's signing secret is stored AES-256-GCM encrypted. */
export const billingConnectors = pgTable(
  "billing_connectors",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    provider: text("provider").$type<BillingProvider>().notNull(),
    name: text("name").notNull(),
    secretCiphertext: text("secret_ciphertext").notNull(),
    /** Which prices/products/variants grant what, first match wins. */
    mappings: jsonb("mappings").$type<BillingMapping[]>().notNull().default([]),
    /**
     * Added to every paid period's end: a renewal webhook that arrives late (or a provider's retry
     * days later) must not lock a paying customer out in between.
     */
    renewalGraceS: integer("renewal_grace_s").notNull().default(86_400),
    /** How long after a failed payment (with no later payment) the license is suspended. */
    dunningGraceS: integer("dunning_grace_s").notNull().default(259_200),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("billing_connectors_tenant_idx").on(t.tenantId, t.createdAt), check("billing_connectors_provider_check", oneOf("provider", BILLING_PROVIDERS))],
);

/**
 * Every provider delivery that named a connector of ours: applied, ignored (with why), pending
 * (waiting for the event that links it), failed (with the error), or rejected (bad signature or
 * body: nothing of it is kept but this line). A provider event id is applied at most once.
 */
export const billingEvents = pgTable(
  "billing_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    connectorId: text("connector_id")
      .notNull()
      .references(() => billingConnectors.id, { onDelete: "cascade" }),
    providerEventId: text("provider_event_id"),
    eventType: text("event_type"),
    outcome: text("outcome").$type<BillingEventOutcome>().notNull(),
    /** Why it was ignored, pending, failed or rejected. */
    reason: text("reason"),
    /** The subscription or order it is about, and the other ids that link it (contract/billing.ts). */
    key: text("key"),
    refs: text("refs").array().notNull().default(sql`'{}'::text[]`),
    /** The normalised fact (never the raw body: it holds more personal data than a license needs). */
    fact: jsonb("fact").$type<BillingFact>(),
    licenseId: text("license_id").references(() => licenses.id, { onDelete: "set null" }),
    occurredAt: timestamp("occurred_at", { withTimezone: true }),
    /** When it was received. */
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("billing_events_provider_event_idx").on(t.connectorId, t.providerEventId),
    index("billing_events_tenant_idx").on(t.tenantId, t.createdAt),
    index("billing_events_key_idx").on(t.connectorId, t.key),
    index("billing_events_refs_idx").using("gin", t.refs),
    check("billing_events_outcome_check", oneOf("outcome", BILLING_EVENT_OUTCOMES)),
  ],
);

/** A subscription's or order's license (each id of a linked group points at the same one), and when to look again. */
export const billingLinks = pgTable(
  "billing_links",
  {
    connectorId: text("connector_id")
      .notNull()
      .references(() => billingConnectors.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    licenseId: text("license_id").references(() => licenses.id, { onDelete: "set null" }),
    /** When a dunning grace ends: the scheduled sweep applies the group again then. */
    recheckAt: timestamp("recheck_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.connectorId, t.key] }), index("billing_links_recheck_idx").on(t.recheckAt)],
);
