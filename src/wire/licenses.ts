// Licenses on the wire: the admin resource, and the validation outcome the public routes answer.
import { z } from "@hono/zod-openapi";
import { effectiveStatus, PUBLIC_LICENSE_STATUSES, VALIDATION_CODES, VALIDATION_MESSAGES } from "../contract/licenses";
import type { LicenseRow } from "../db/repositories/licenses";
import type { Validation } from "../services/license-validation";
import type { Verified } from "../services/tokens";
import { Timestamp } from "./common";

export const License = z
  .object({
    id: z.string(),
    key_prefix: z.string().openapi({ description: "The first characters of the key, to recognise it" }),
    application_id: z.string().nullable(),
    policy_id: z.string(),
    customer_id: z.string().nullable().openapi({ description: "The customer it belongs to (GET /v1/customers/{id})" }),
    status: z.enum(PUBLIC_LICENSE_STATUSES),
    expires_at: Timestamp.nullable(),
    plan: z.string().nullable(),
    features: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    allowed_cidrs: z.array(z.string()),
    activation_count: z.number().int(),
    max_activations: z.number().int().nullable().openapi({ description: "This license's own device limit (a billing quantity); null: its policy's" }),
    billing: z
      .object({ connector_id: z.string(), reference: z.string().nullable() })
      .nullable()
      .openapi({ description: "The billing connector that made and keeps it, and the provider's subscription or order; null: made through the API" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("License");

export const licenseBody = (row: LicenseRow, now = new Date()) => ({
  id: row.id,
  key_prefix: row.keyPrefix,
  application_id: row.applicationId,
  policy_id: row.policyId,
  customer_id: row.customerId,
  status: effectiveStatus(row, now),
  expires_at: row.expiresAt?.toISOString() ?? null,
  plan: row.plan,
  features: row.features,
  metadata: row.metadata,
  allowed_cidrs: row.allowedCidrs,
  activation_count: row.activationCount,
  max_activations: row.maxActivations,
  billing: row.billingConnectorId ? { connector_id: row.billingConnectorId, reference: row.billingReference } : null,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const LicenseSummary = z
  .object({
    id: z.string(),
    status: z.enum(PUBLIC_LICENSE_STATUSES),
    expires_at: Timestamp.nullable(),
    plan: z.string().nullable(),
    features: z.array(z.string()),
  })
  .openapi("LicenseSummary");

export const ValidationResult = z.object({
  valid: z.boolean(),
  code: z.enum(VALIDATION_CODES),
  message: z.string(),
  license: LicenseSummary.nullable(),
  degraded: z.literal(true).optional().openapi({
    description:
      "Present while the service's database is unreachable: this VALID answer repeats the edge's last live one (within the policy's `degraded_grace_s`); the `License-Degraded` header says so too, and a token issued now is short-lived and carries a `degraded` claim.",
  }),
});

export const ValidateResponse = ValidationResult.openapi("ValidateLicenseResponse");

export const VerifyResponse = ValidationResult.extend({
  license_token: z.string().optional().openapi({ description: "Signed license token (JWT), when valid" }),
  license_token_expires_at: Timestamp.optional(),
  license_jwks_uri: z.string().url().optional(),
}).openapi("VerifyLicenseResponse");

/** The wire form of a validation outcome. NOT_FOUND carries no license. */
export function validationBody(result: Validation, now: Date) {
  const license = result.license;
  return {
    valid: result.valid,
    code: result.code,
    message: VALIDATION_MESSAGES[result.code],
    license: license
      ? {
          id: license.id,
          status: effectiveStatus(license, now),
          expires_at: license.expiresAt?.toISOString() ?? null,
          plan: license.plan,
          features: license.features,
        }
      : null,
    ...(result.valid && result.degraded ? { degraded: true as const } : {}),
  };
}

/** A verify's answer: the outcome, and when valid the token and where its keys are published. */
export function verifyBody(verified: Verified, jwksUri: string) {
  const body = validationBody(verified.result, verified.now);
  if (!verified.token) return body;
  return {
    ...body,
    license_token: verified.token.token,
    license_token_expires_at: verified.token.expiresAt.toISOString(),
    license_jwks_uri: jwksUri,
  };
}
