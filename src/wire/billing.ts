// Billing connectors on the wire: the connector (never its secret), its mappings, and the event log.
import { z } from "@hono/zod-openapi";
import { BILLING_EVENT_OUTCOMES, BILLING_PROVIDERS, type BillingMapping } from "../contract/billing";
import type { BillingConnectorRow, BillingEventRow } from "../db/repositories/billing";
import { iso, Timestamp } from "./common";

export const BillingMappingSchema = z
  .object({
    match: z
      .string()
      .openapi({ description: "A price id (Stripe `price_…`, Paddle `pri_…`, Polar), a Lemon Squeezy variant id, or a product id", example: "price_1PqR…" }),
    policy_id: z.string(),
    plan: z.string().nullable(),
    features: z.array(z.string()),
    seats: z.number().int().nullable().openapi({ description: "The license's device limit (max_activations); null: the policy's" }),
    seats_from_quantity: z.boolean().openapi({ description: "Seats = the quantity bought (times `seats` when set)" }),
    term_days: z.number().int().nullable().openapi({ description: "One-time purchases: the license runs this many days; null: forever" }),
  })
  .openapi("BillingMapping");

export const mappingBody = (m: BillingMapping) => ({
  match: m.match,
  policy_id: m.policyId,
  plan: m.plan,
  features: m.features,
  seats: m.seats,
  seats_from_quantity: m.seatsFromQuantity,
  term_days: m.termDays,
});

export const BillingConnector = z
  .object({
    id: z.string().openapi({ example: "bc_..." }),
    provider: z.enum(BILLING_PROVIDERS),
    name: z.string(),
    endpoint_url: z.string().openapi({ description: "Paste this into the provider's webhook settings" }),
    mappings: z.array(BillingMappingSchema),
    renewal_grace_s: z.number().int().openapi({ description: "Added to every paid period's end" }),
    dunning_grace_s: z.number().int().openapi({ description: "A failed payment suspends the license this long after it, unless a payment follows" }),
    enabled: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("BillingConnector");

export const connectorBody = (row: BillingConnectorRow, endpointUrl: string) => ({
  id: row.id,
  provider: row.provider,
  name: row.name,
  endpoint_url: endpointUrl,
  mappings: row.mappings.map(mappingBody),
  renewal_grace_s: row.renewalGraceS,
  dunning_grace_s: row.dunningGraceS,
  enabled: row.enabled,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const BillingEvent = z
  .object({
    id: z.string().openapi({ example: "bev_..." }),
    connector_id: z.string(),
    provider_event_id: z.string().nullable().openapi({ description: "null for a rejected delivery (its body is not kept)" }),
    event_type: z.string().nullable(),
    outcome: z.enum(BILLING_EVENT_OUTCOMES),
    reason: z.string().nullable().openapi({ description: "Why it was ignored, is pending, failed or was rejected" }),
    reference: z.string().nullable().openapi({ description: "The subscription or order it is about" }),
    license_id: z.string().nullable(),
    occurred_at: Timestamp.nullable().openapi({ description: "The provider's time for it" }),
    received_at: Timestamp,
  })
  .openapi("BillingEvent");

export const billingEventBody = (row: BillingEventRow) => ({
  id: row.id,
  connector_id: row.connectorId,
  provider_event_id: row.providerEventId,
  event_type: row.eventType,
  outcome: row.outcome,
  reason: row.reason,
  reference: row.key,
  license_id: row.licenseId,
  occurred_at: iso(row.occurredAt),
  received_at: row.createdAt.toISOString(),
});
