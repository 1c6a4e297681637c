// Verify and validate-hardware: check the license, and when it is valid sign a license token.
import type { Context } from "hono";
import type { AppEnv } from "../app";
import { getKeyRing } from "../crypto/keys";
import { issueLicenseToken } from "../crypto/license-token";
import { issuerOf, jwksUriOf, tokenUseOf } from "../config";
import { validationBody } from "../routes/license-schemas";
import { checkLicenseKey, type LicenseCheck } from "./license-check";

export async function verifyAndIssue(c: Context<AppEnv>, check: Omit<LicenseCheck, "now">) {
  const now = new Date();
  // The key import is cached per isolate; starting it alongside the query hides the first one.
  const [result, ring] = await Promise.all([checkLicenseKey(c.var.rows, { ...check, now }), getKeyRing(c.env)]);
  const body = validationBody(result, now);
  if (!result.valid) return body;
  const issuer = issuerOf(c);
  const license = result.license;
  const issued = await issueLicenseToken(
    ring,
    {
      licenseId: license.id,
      applicationId: license.applicationId,
      expiresAt: license.expiresAt,
      plan: license.plan,
      features: license.features,
      tokenTier: license.policy.tokenTier,
      sellerTier: license.planTier,
      hwBound: result.hwBound,
    },
    { issuer, tokenUse: tokenUseOf(c.env), now },
  );
  return {
    ...body,
    license_token: issued.token,
    license_token_expires_at: issued.expiresAt.toISOString(),
    license_jwks_uri: jwksUriOf(issuer),
  };
}
