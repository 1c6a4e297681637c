// Writable fields of billing connectors, shared by create and update so both validate alike.
import { z } from "@hono/zod-openapi";
import { BILLING_PROVIDERS, type BillingMapping } from "../../contract/billing";
import { text } from "./public-body";

const Mapping = z
  .strictObject({
    match: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{1,128}$/, "A provider's price, variant or product id")
      .openapi({ description: "A price id (Stripe `price_…`, Paddle `pri_…`, Polar), a Lemon Squeezy variant id, or a product id" }),
    policy_id: z.string().min(1).max(64),
    plan: text(100).nullable().default(null),
    features: z.array(text(100)).max(50).default([]),
    seats: z.number().int().min(0).max(1_000_000).nullable().default(null),
    seats_from_quantity: z.boolean().default(false),
    term_days: z.number().int().min(1).max(36_500).nullable().default(null),
  })
  .openapi("BillingMappingInput");

export const mappingInput = (m: z.output<typeof Mapping>): BillingMapping => ({
  match: m.match,
  policyId: m.policy_id,
  plan: m.plan,
  features: m.features,
  seats: m.seats,
  seatsFromQuantity: m.seats_from_quantity,
  termDays: m.term_days,
});

export const ConnectorFields = {
  provider: z.enum(BILLING_PROVIDERS),
  name: text(100),
  signing_secret: z.string().min(8).max(512).openapi({
    description:
      "The provider's webhook signing secret (Stripe `whsec_…`, Paddle `pdl_ntfset_…`'s secret key, Lemon Squeezy's signing secret, Polar's). Stored encrypted, never returned.",
  }),
  mappings: z.array(Mapping).max(100),
  renewal_grace_s: z
    .number()
    .int()
    .min(0)
    .max(90 * 86_400),
  dunning_grace_s: z
    .number()
    .int()
    .min(0)
    .max(90 * 86_400),
  enabled: z.boolean(),
};
