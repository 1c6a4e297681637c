// Verifies license tokens against this deployment's own published keys (introspection, revoke).
import { LicenseTokenError, type LicenseTokenErrorCode, verifyLicenseJwt } from "@edge-license/sdk";
import { decodeJwt, decodeProtectedHeader, errors, type JWTVerifyGetKey } from "jose";
import { CLOCK_TOLERANCE_S, type LicenseTokenClaims, MAX_TOKEN_BYTES } from "../contract/tokens";
import type { KeyRing } from "../crypto/keys";

/**
 * Introspection's own allowance for clock skew on `exp`, `nbf` and `iat`, stated rather than
 * inherited: the SDK's default. Revocations are kept for at least this long past a token's `exp`
 * (revocations.ts), so a revoked token can never come back inside the allowance.
 */
export const INTROSPECTION_CLOCK_TOLERANCE_S = CLOCK_TOLERANCE_S;

/** Resolves `kid` to one of the ring's public keys, and only for the algorithm that key is for. */
const ringKeys =
  (ring: KeyRing): JWTVerifyGetKey =>
  (header) => {
    const entry = header.kid ? ring.verifiers.get(header.kid) : undefined;
    if (!entry || entry.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
    return entry.key;
  };

export type TokenCheck = { ok: true; claims: LicenseTokenClaims } | { ok: false; code: LicenseTokenErrorCode; unverified: { sub?: string; jti?: string } };

/** Never throws for a bad token: the failure is a value, with the unverified ids for attribution. */
export async function checkToken(
  ring: KeyRing,
  token: string,
  options: { issuer: string; tokenUse: string; clockTolerance?: number; now?: Date },
): Promise<TokenCheck> {
  try {
    const claims = await verifyLicenseJwt(token, ringKeys(ring), {
      issuer: options.issuer,
      tokenUse: options.tokenUse,
      algorithms: ring.algorithms,
      clockTolerance: options.clockTolerance,
      currentDate: options.now,
    });
    // A retired key signs nothing: a token it signed after its retirement began is a forgery
    // (or a leaked key at work), however valid the signature.
    const retiredAt = ring.verifiers.get(decodeProtectedHeader(token).kid ?? "")?.retiredAt;
    if (retiredAt !== undefined && claims.iat > retiredAt) {
      return { ok: false, code: "ERR_KEY_NOT_FOUND", unverified: unverifiedIds(token) };
    }
    return { ok: true, claims };
  } catch (err) {
    if (!(err instanceof LicenseTokenError)) throw err;
    return { ok: false, code: err.code, unverified: unverifiedIds(token) };
  }
}

function unverifiedIds(token: string): { sub?: string; jti?: string } {
  if (token.length > MAX_TOKEN_BYTES) return {};
  try {
    const payload = decodeJwt(token);
    return {
      sub: typeof payload.sub === "string" ? payload.sub.slice(0, 64) : undefined,
      jti: typeof payload.jti === "string" ? payload.jti.slice(0, 128) : undefined,
    };
  } catch {
    return {};
  }
}

/** Introspection `reason` for each verification failure (shown to the owning tenant only). */
export const TOKEN_FAILURE_REASON: Record<LicenseTokenErrorCode, string> = {
  ERR_TOKEN_MALFORMED: "malformed",
  ERR_TOKEN_TOO_LARGE: "malformed",
  ERR_HEADER_NOT_ALLOWED: "invalid_header",
  ERR_ALG_NOT_ALLOWED: "algorithm_not_allowed",
  ERR_TYP_INVALID: "invalid_type",
  ERR_KEY_NOT_FOUND: "unknown_key",
  ERR_SIGNATURE_INVALID: "invalid_signature",
  ERR_TOKEN_EXPIRED: "expired",
  ERR_TOKEN_NOT_YET_VALID: "not_yet_valid",
  ERR_CLAIM_INVALID: "invalid_claims",
  ERR_JWKS_UNAVAILABLE: "invalid_signature",
  // Only a device's verifier (given its key) refuses so; introspection never passes one.
  ERR_DEVICE_KEY_MISMATCH: "invalid_claims",
};
