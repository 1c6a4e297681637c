// The one implementation of license-token verification, shared by the SDK's verifier (remote or
// pinned JWKS) and the service's own introspection (its local keys). Follows RFC 8725 (JWT BCP):
// explicit algorithm allowlist, explicit `typ`, keys only from the verifier's own key set.
import { decodeProtectedHeader, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { LicenseTokenError, tokenError } from "./errors.js";
import {
  CLOCK_TOLERANCE_S,
  DEFAULT_ALGORITHMS,
  DEFAULT_TOKEN_USE,
  LICENSE_TOKEN_TYP,
  type LicenseTokenClaims,
  MAX_TOKEN_BYTES,
  MAX_TOKEN_LIFETIME_S,
  type SigningAlgorithm,
} from "./token-format.js";

export interface VerifyOptions {
  issuer: string;
  /** When set, the token must carry this `aud`. */
  audience?: string;
  tokenUse?: string;
  algorithms?: readonly SigningAlgorithm[];
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. Default 30. */
  clockTolerance?: number;
  /** The verifier's notion of now (tests, or a trusted time source). */
  currentDate?: Date;
}

/** Header parameters that would let a token choose its own key: never honoured, always refused. */
const FORBIDDEN_HEADERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit"];

function mapJoseError(err: unknown): LicenseTokenError {
  if (err instanceof LicenseTokenError) return err;
  if (err instanceof errors.JWTExpired) return tokenError("ERR_TOKEN_EXPIRED", "The token has expired.", { claim: err.claim, cause: err });
  if (err instanceof errors.JWTClaimValidationFailed) {
    if ((err.claim === "nbf" || err.claim === "iat") && err.reason === "check_failed") {
      return tokenError("ERR_TOKEN_NOT_YET_VALID", "The token is not valid yet.", { claim: err.claim, cause: err });
    }
    if (err.claim === "typ") return tokenError("ERR_TYP_INVALID", "The token has the wrong `typ`.", { claim: "typ", cause: err });
    return tokenError("ERR_CLAIM_INVALID", `The "${err.claim}" claim is invalid.`, { claim: err.claim, cause: err });
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return tokenError("ERR_SIGNATURE_INVALID", "The token signature is invalid.", { cause: err });
  if (err instanceof errors.JOSEAlgNotAllowed) return tokenError("ERR_ALG_NOT_ALLOWED", "The token algorithm is not allowed.", { claim: "alg", cause: err });
  if (err instanceof errors.JWKSNoMatchingKey) return tokenError("ERR_KEY_NOT_FOUND", "No published key matches the token.", { claim: "kid", cause: err });
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return tokenError("ERR_JWKS_UNAVAILABLE", "The key set could not be loaded.", { cause: err });
  if (err instanceof errors.JOSENotSupported) return tokenError("ERR_ALG_NOT_ALLOWED", "The token uses an unsupported algorithm or key.", { cause: err });
  if (err instanceof errors.JOSEError) return tokenError("ERR_TOKEN_MALFORMED", "The token is malformed.", { cause: err });
  return tokenError("ERR_JWKS_UNAVAILABLE", "The token could not be verified.", { cause: err });
}

/** Checks the token's shape and header before any key is looked up or any signature checked. */
function preflight(token: unknown, algorithms: readonly string[]) {
  if (typeof token !== "string" || token.length === 0) throw tokenError("ERR_TOKEN_MALFORMED", "The token must be a non-empty string.");
  if (token.length > MAX_TOKEN_BYTES) throw tokenError("ERR_TOKEN_TOO_LARGE", `Tokens are limited to ${MAX_TOKEN_BYTES} bytes.`);
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
    throw tokenError("ERR_TOKEN_MALFORMED", "The token is not a compact JWS with a signature.");
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (err) {
    throw tokenError("ERR_TOKEN_MALFORMED", "The token header is not valid JSON.", { cause: err });
  }
  for (const name of FORBIDDEN_HEADERS) {
    if (name in header) throw tokenError("ERR_HEADER_NOT_ALLOWED", `The "${name}" header parameter is not accepted.`, { claim: name });
  }
  if (typeof header.alg !== "string" || !algorithms.includes(header.alg)) {
    throw tokenError("ERR_ALG_NOT_ALLOWED", "The token algorithm is not allowed.", { claim: "alg" });
  }
  if (typeof header.kid !== "string" || header.kid.length === 0 || header.kid.length > 128) {
    throw tokenError("ERR_KEY_NOT_FOUND", "The token has no usable `kid`.", { claim: "kid" });
  }
}

/**
 * Verifies a license token: signature with a key chosen by `kid` from the verifier's own key set,
 * allowed algorithm, `typ`, issuer, time claims, `token_use`, and `aud` when configured.
 *
 * @throws {LicenseTokenError} with a stable `code`.
 */
export async function verifyLicenseJwt(token: string, getKey: JWTVerifyGetKey, options: VerifyOptions): Promise<LicenseTokenClaims> {
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  const tolerance = options.clockTolerance ?? CLOCK_TOLERANCE_S;
  try {
    preflight(token, algorithms);
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: [...algorithms],
      issuer: options.issuer,
      audience: options.audience,
      typ: LICENSE_TOKEN_TYP,
      clockTolerance: tolerance,
      currentDate: options.currentDate,
      // Makes jose require `iat` and refuse one in the future (beyond the tolerance).
      maxTokenAge: MAX_TOKEN_LIFETIME_S + tolerance,
      requiredClaims: ["exp", "nbf", "iat", "jti", "sub", "token_use"],
    });
    if (payload.token_use !== (options.tokenUse ?? DEFAULT_TOKEN_USE)) {
      throw tokenError("ERR_CLAIM_INVALID", "The token is not a license token.", { claim: "token_use" });
    }
    if (typeof payload.jti !== "string" || typeof payload.sub !== "string") {
      throw tokenError("ERR_CLAIM_INVALID", "The token identifiers are invalid.", { claim: "jti" });
    }
    return payload as LicenseTokenClaims;
  } catch (err) {
    throw mapJoseError(err);
  }
}
