// Verify and validate-hardware: check the license, and when it is valid sign a license token.
import type { Context } from "hono";
import type { AppEnv } from "../app";
import { issuerOf, jwksUriOf, tokenUseOf } from "../config";
import type { ValidationCode } from "../contract/licenses";
import { sha256Hex } from "../crypto/hash";
import { getKeyRing } from "../crypto/keys";
import { issueLicenseToken } from "../crypto/license-token";
import { AppError, type ErrorCode } from "../errors";
import { validationBody } from "../routes/license-schemas";
import { activate } from "./activations";
import { canonicalDomain } from "./binding";
import { withChanges } from "./changes";
import { checkLicenseKey, type LicenseCheck } from "./license-check";
import { evaluateLicense, heartbeatDead, type Validation } from "./license-validation";

/** Outcomes a `bind_on_verify` policy turns into an activation: the device simply holds no seat yet. */
const BINDABLE: ReadonlySet<ValidationCode> = new Set(["VALID", "NOT_ACTIVATED", "FINGERPRINT_MISMATCH", "HEARTBEAT_DEAD"]);

/** Activation refusals that are validation outcomes when they happen inside a verify. */
const REFUSAL_CODES: Partial<Record<ErrorCode, Exclude<ValidationCode, "VALID">>> = {
  TOO_MANY_ACTIVATIONS: "TOO_MANY_ACTIVATIONS",
  LICENSE_NOT_FOUND: "NOT_FOUND",
  LICENSE_SUSPENDED: "SUSPENDED",
  LICENSE_REVOKED: "REVOKED",
  LICENSE_EXPIRED: "EXPIRED",
  IP_NOT_ALLOWED: "IP_NOT_ALLOWED",
};

function needsBinding(result: Validation, check: Omit<LicenseCheck, "now">, now: Date): boolean {
  const license = result.license;
  if (!license?.policy.bindOnVerify || check.fingerprint === undefined || check.requireDevice) return false;
  const device = license.device?.id ? license.device : undefined;
  if (device && !heartbeatDead(license.policy, device.lastHeartbeatAt, now)) return false;
  return BINDABLE.has(result.code);
}

/**
 * LicenseChain's "binds device on first verify": the device takes a seat through activate itself
 * (the license row lock, the seat limit, the events), then the answer is evaluated again with it.
 */
async function bindDevice(c: Context<AppEnv>, result: Validation, check: Omit<LicenseCheck, "now">, now: Date): Promise<Validation> {
  const license = result.license!;
  try {
    const outcome = await activate((work) => withChanges(c, work), {
      licenseKey: check.licenseKey,
      fingerprint: check.fingerprint!,
      domain: check.domain,
      clientIp: check.clientIp,
      now,
    });
    const device = { id: outcome.body.activation.id, lastHeartbeatAt: now };
    const bound = {
      ...license,
      device,
      domainDevice: outcome.body.activation.domain ? device : license.domainDevice,
      liveActivations: license.liveActivations + (outcome.body.created ? 1 : 0),
    };
    const domain = check.domain === undefined ? undefined : (canonicalDomain(check.domain) ?? null);
    const evaluated = evaluateLicense(bound, { ...check, domain, now });
    return evaluated.valid ? { ...evaluated, hwBound: true } : evaluated;
  } catch (err) {
    const code = err instanceof AppError ? REFUSAL_CODES[err.code] : undefined;
    if (!code) throw err;
    return { valid: false, code, license };
  }
}

export async function verifyAndIssue(c: Context<AppEnv>, check: Omit<LicenseCheck, "now">) {
  const now = new Date();
  const issuer = issuerOf(c.env);
  // The key import is cached per isolate; starting it alongside the query hides the first one.
  const [checked, ring] = await Promise.all([checkLicenseKey(c.var.rows, { ...check, now }), getKeyRing(c.env)]);
  const result = needsBinding(checked, check, now) ? await bindDevice(c, checked, check, now) : checked;
  const body = validationBody(result, now);
  if (!result.valid) return body;
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
      // Lets an offline verifier check the token belongs to this device (never the fingerprint itself).
      fingerprintSha256: result.hwBound && check.fingerprint !== undefined ? await sha256Hex(check.fingerprint) : undefined,
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
