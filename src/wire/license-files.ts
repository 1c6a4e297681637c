// License files on the wire: the armored file and what it is, for the JSON answers of checkout.
import { z } from "@hono/zod-openapi";
import type { ErrorCode } from "../errors";
import type { CheckedOut } from "../services/license-files";
import { REFUSAL_ERROR_CODES } from "../services/license-validation";
import { Timestamp } from "./common";

export const LicenseFileResponse = z
  .object({
    license_file: z
      .string()
      .openapi({ description: "The armored file: `-----BEGIN LICENSE FILE-----`, a compact JWS (`typ` license-file+jwt), `-----END LICENSE FILE-----`" }),
    id: z.string().openapi({ description: "The file's `jti`" }),
    license_id: z.string(),
    activation_id: z.string().nullable().openapi({ description: "Set for a machine file, bound to that device" }),
    issued_at: Timestamp,
    expires_at: Timestamp.nullable().openapi({ description: "null: a perpetual file (the policy's `allow_perpetual_offline`)" }),
    encrypted: z.boolean(),
  })
  .openapi("LicenseFile");

export const licenseFileBody = (out: CheckedOut) => ({
  license_file: out.file,
  id: out.id,
  license_id: out.licenseId,
  activation_id: out.activationId,
  issued_at: out.issuedAt.toISOString(),
  expires_at: out.expiresAt?.toISOString() ?? null,
  encrypted: out.encrypted,
});

/** What a checkout may ask for: a lifetime within the policy's bounds, and sealing. */
export const CheckoutFields = {
  ttl_s: z
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 86400)
    .nullable()
    .optional()
    .openapi({
      description:
        "Seconds the file lives; default the policy's `offline_ttl_default_s`, at most its `offline_ttl_max_s`; null = perpetual (if the policy allows). Never past the license's expiry unless the policy lets files outlive it.",
    }),
  encrypt: z.boolean().default(false).openapi({
    description:
      "Seal the claims (JWE, A256GCM) under a key derived from the license key (and the device's fingerprint for a machine file): the file stays verifiable, but readable only with the key",
  }),
};

/** What a checkout can answer besides its audience's errors: the refusal model's, a missing license or activation. */
export const CHECKOUT_ERRORS: readonly ErrorCode[] = [...REFUSAL_ERROR_CODES, "NOT_FOUND"];
