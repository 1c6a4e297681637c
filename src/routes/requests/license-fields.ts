// Writable license fields, shared by create and update (PATCH) so both validate alike.
import { z } from "@hono/zod-openapi";
import { isValidCidr } from "../../services/binding";
import { Metadata } from "./common";

export const LicenseFields = {
  plan: z.string().trim().min(1).max(64).nullable(),
  features: z.array(z.string().trim().min(1).max(64)).max(64),
  metadata: Metadata,
  allowed_cidrs: z
    .array(z.string().max(64).refine(isValidCidr, "Not an IPv4/IPv6 address or CIDR block"))
    .max(64)
    .openapi({ description: "For IP-bound policies: the client IP (CF-Connecting-IP) must fall in one of these" }),
  expires_at: z.string().datetime({ offset: true }).nullable().openapi({ description: "null = never expires" }),
  customer_id: z.string().min(1).max(64).nullable().openapi({ description: "The customer it belongs to; null for none" }),
};
