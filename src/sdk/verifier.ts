// Offline license-token verification for integrators: runs anywhere with WebCrypto and fetch
// (Node 18+, browsers, Deno, Bun, Workers). Depends on jose only.
import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from "jose";
import { DEFAULT_TOKEN_USE, type LicenseTokenClaims, type SigningAlgorithm } from "../contract/tokens";
import { LicenseTokenError } from "./errors";
import { verifyLicenseJwt } from "./verify";

export interface LicenseVerifierOptions {
  /** The service's base URL, exactly as in the tokens' `iss` (see /.well-known/license-configuration). */
  issuer: string;
  /** Usually `${issuer}/v1/licenses/jwks`. */
  jwksUri: string;
  /** Your application id: tokens for other applications are refused. */
  audience?: string;
  tokenUse?: string;
  /** Accepted signing algorithms. Default `["RS256"]`. */
  algorithms?: readonly SigningAlgorithm[];
  clockTolerance?: number;
  /** How long a fetched JWKS is trusted, in ms. Default 10 minutes; an unknown `kid` re-fetches sooner. */
  cacheMaxAge?: number;
  /** Minimum ms between two fetches triggered by unknown `kid`s. Default 30 s. */
  cooldownDuration?: number;
  /** Replaces global fetch (e.g. a proxy-aware one, or a test double). */
  fetch?: typeof fetch;
}

export interface LicenseVerifier {
  /** @throws {LicenseTokenError} */
  verify(token: string, options?: { currentDate?: Date }): Promise<LicenseTokenClaims>;
}

/**
 * @example
 * const verifier = createLicenseVerifier({
 *   issuer: "https://license.example.com",
 *   jwksUri: "https://license.example.com/v1/licenses/jwks",
 *   audience: "app_...",
 * });
 * try {
 *   const claims = await verifier.verify(token);
 *   if (claims.features.includes("export")) enableExport();
 * } catch (err) {
 *   if (err instanceof LicenseTokenError && err.code === "ERR_TOKEN_EXPIRED") await refreshToken();
 * }
 */
export function createLicenseVerifier(options: LicenseVerifierOptions): LicenseVerifier {
  const remote = createRemoteJWKSet(new URL(options.jwksUri), {
    cacheMaxAge: options.cacheMaxAge ?? 10 * 60_000,
    cooldownDuration: options.cooldownDuration ?? 30_000,
    timeoutDuration: 5_000,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });
  // A key set that cannot be fetched or parsed is an outage (retry later), not a bad token.
  const jwks: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JOSENotSupported || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new LicenseTokenError("ERR_JWKS_UNAVAILABLE", "The key set could not be loaded.", { cause: err });
    }
  };
  return {
    verify: (token, verifyOptions) =>
      verifyLicenseJwt(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        tokenUse: options.tokenUse ?? DEFAULT_TOKEN_USE,
        algorithms: options.algorithms,
        clockTolerance: options.clockTolerance,
        currentDate: verifyOptions?.currentDate,
      }),
  };
}
