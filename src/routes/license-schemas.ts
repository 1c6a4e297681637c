// Request and response schemas shared by the public license routes (validate, verify, hardware).
import { z } from "@hono/zod-openapi";
import { effectiveStatus, VALIDATION_CODES, VALIDATION_MESSAGES } from "../contract/licenses";
import type { Validation } from "../services/license-validation";
import { Domain, publicLicenseBody } from "./public-body";
import { Timestamp } from "./schemas";

export const ValidateBody = publicLicenseBody("ValidateLicenseRequest", { domain: Domain.optional() }, { fingerprint: false, application: true });

export const LicenseSummary = z
  .object({
    id: z.string(),
    status: z.enum(["active", "suspended", "revoked", "expired"]),
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
  };
}
