// License-token verification for client apps and servers: runs anywhere with WebCrypto (and fetch,
// for a remote key set): Node 20+, browsers, Deno, Bun, Workers.
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { sha256Hex } from "./digest.js";
import { claimsBinding, type DeviceKeyLike } from "./dpop.js";
import { tokenError } from "./errors.js";
import { DEFAULT_TOKEN_USE, type LicenseTokenClaims, type SigningAlgorithm } from "./token-format.js";
import { verifyLicenseJwt } from "./verify.js";

interface CommonOptions {
  /** The service's base URL, exactly as in the tokens' `iss` (see /.well-known/license-configuration). */
  issuer: string;
  /**
   * Required: your application id (for a license without an application, your tenant id). Every
   * tenant's tokens are signed by the deployment's keys, so `aud` is what keeps another seller's
   * tokens out (RFC 8725 §3.9); a verifier without it is a TypeError.
   */
  audience: string;
  tokenUse?: string;
  /** Accepted signing algorithms. Default `["RS256"]`. */
  algorithms?: readonly SigningAlgorithm[];
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. Default 30. */
  clockTolerance?: number;
}

export interface RemoteKeysOptions extends CommonOptions {
  /** Usually `${issuer}/v1/licenses/jwks`: fetched, cached, refetched on an unknown `kid`. */
  jwksUri: string;
  jwks?: never;
  /** How long a fetched key set is trusted, in ms. Default 10 minutes; an unknown `kid` refetches sooner. */
  cacheMaxAge?: number;
  /** Minimum ms between two fetches triggered by unknown `kid`s. Default 30 s. */
  cooldownDuration?: number;
  /** Per fetch of the key set, in ms. Default 5 s. */
  timeoutDuration?: number;
  /** Replaces global fetch (e.g. a proxy-aware one). */
  fetch?: typeof fetch;
}

export interface PinnedKeysOptions extends CommonOptions {
  /** The key set itself (the JSON of GET /v1/licenses/jwks), shipped with the app: never fetched. */
  jwks: JSONWebKeySet;
  jwksUri?: never;
}

export type LicenseVerifierOptions = RemoteKeysOptions | PinnedKeysOptions;

export interface VerifyTokenOptions {
  /** The verifier's notion of now (a trusted time source, or tests). */
  currentDate?: Date;
  /**
   * This device's fingerprint (the `fingerprint` sent to validate). A token bound to a device
   * (`fingerprint_sha256`) is refused on any other; tokens not bound to one are unaffected.
   */
  fingerprint?: string;
  /** Refuse tokens not issued under a floating lease (a `lease` claim): for apps whose licenses are floating. */
  requireLease?: boolean;
  /**
   * This device's key (the one its client sends DPoP proofs with), its public JWK, or its RFC 7638
   * thumbprint: the token's `cnf.jkt` must name it (DeviceKeyMismatch otherwise, an unbound token
   * included). Only on the device: a seller's server holds no device key and leaves this out.
   */
  deviceKey?: DeviceKeyLike;
}

export interface LicenseVerifier {
  /** @throws {LicenseTokenError} one of its subclasses, with a stable `code`. */
  verify(token: string, options?: VerifyTokenOptions): Promise<LicenseTokenClaims>;
}

function remoteKeys(options: RemoteKeysOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(options.jwksUri), {
    cacheMaxAge: options.cacheMaxAge ?? 10 * 60_000,
    cooldownDuration: options.cooldownDuration ?? 30_000,
    timeoutDuration: options.timeoutDuration ?? 5_000,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });
  // A key set that cannot be fetched or parsed is an outage (retry later), not a bad token.
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JOSENotSupported || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw tokenError("ERR_JWKS_UNAVAILABLE", "The key set could not be loaded.", { cause: err });
    }
  };
}

function pinnedKeys(jwks: JSONWebKeySet): JWTVerifyGetKey {
  if (!jwks || !Array.isArray(jwks.keys)) throw new TypeError("`jwks` must be a JSON Web Key Set: { keys: [...] }.");
  return createLocalJWKSet(jwks);
}

/**
 * @example
 * const verifier = createLicenseVerifier({
 *   issuer: "https://license.example.com",
 *   jwksUri: "https://license.example.com/v1/licenses/jwks",
 *   audience: "app_...",
 * });
 * const claims = await verifier.verify(token, { fingerprint: machineId });
 * // A device-bound license (DPoP): also the device's key.
 * const bound = await verifier.verify(token, { fingerprint: machineId, deviceKey });
 */
export function createLicenseVerifier(options: LicenseVerifierOptions): LicenseVerifier {
  if (typeof options?.issuer !== "string" || options.issuer === "") throw new TypeError("`issuer` is required.");
  if (typeof options.audience !== "string" || options.audience === "") {
    throw new TypeError("`audience` is required: your application id (or, for licenses without one, your tenant id).");
  }
  const keys = options.jwks !== undefined ? pinnedKeys(options.jwks) : remoteKeys(options as RemoteKeysOptions);
  return {
    async verify(token, verifyOptions = {}) {
      const claims = await verifyLicenseJwt(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        tokenUse: options.tokenUse ?? DEFAULT_TOKEN_USE,
        algorithms: options.algorithms,
        clockTolerance: options.clockTolerance,
        currentDate: verifyOptions.currentDate,
      });
      const bound = claims.fingerprint_sha256;
      if (verifyOptions.fingerprint !== undefined && bound !== undefined && bound !== (await sha256Hex(verifyOptions.fingerprint))) {
        throw tokenError("ERR_CLAIM_INVALID", "The token is bound to another device.", { claim: "fingerprint_sha256" });
      }
      if (verifyOptions.requireLease && (typeof claims.lease?.id !== "string" || typeof claims.lease.exp !== "number")) {
        throw tokenError("ERR_CLAIM_INVALID", "The token was not issued under a floating lease.", { claim: "lease" });
      }
      if (verifyOptions.deviceKey !== undefined) {
        // A fingerprint is the device's own word about itself; `cnf.jkt` needs the private key.
        const binding = await claimsBinding(claims, verifyOptions.deviceKey);
        if (!binding.matches) {
          const why = binding.bound ? "The token is bound to another device key." : "The token is not bound to a device key.";
          throw tokenError("ERR_DEVICE_KEY_MISMATCH", why, { claim: "cnf" });
        }
      }
      return claims;
    },
  };
}
