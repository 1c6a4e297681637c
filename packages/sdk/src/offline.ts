// Offline-first license checks for client apps: ask the service when it can be reached, keep the
// last license token it issued, and when the service cannot be reached (network down, timeout,
// 503, 429) accept that token until its `exp`. A definite answer from the service ("not valid")
// always wins and clears what was kept.
import { isTransient, type LicenseClient, type LicenseClientError, type LicenseRequest } from "./client.js";
import type { DeviceKeyLike } from "./dpop.js";
import type { LicenseTokenClaims } from "./token-format.js";
import type { LicenseVerifier } from "./verifier.js";

/** Where the last token is kept between runs: a file, the keychain, localStorage... the app decides. */
export interface TokenStore {
  get(): Promise<string | null> | string | null;
  set(token: string | null): Promise<void> | void;
}

/** Keeps the token for this process only. */
export function memoryTokenStore(): TokenStore {
  let token: string | null = null;
  return {
    get: () => token,
    set: (next) => {
      token = next;
    },
  };
}

export type OfflineCheck =
  /** The service said valid just now; `claims` are from the token it issued. */
  | { valid: true; source: "online"; claims: LicenseTokenClaims; token: string; degraded: boolean }
  /** The service could not be reached; the kept token is still within its `exp`. */
  | { valid: true; source: "cached"; claims: LicenseTokenClaims; token: string; unreachable: LicenseClientError }
  /** The service said not valid (`code`: EXPIRED, SUSPENDED, REVOKED, ...). */
  | { valid: false; source: "online"; code: string; message: string }
  /** The service could not be reached and no kept token is usable (none, expired, or refused). */
  | { valid: false; source: "cached"; code: "UNREACHABLE_NO_VALID_TOKEN"; message: string; unreachable: LicenseClientError };

export interface OfflineLicenseOptions {
  client: LicenseClient;
  /** Use a pinned key set (`jwks`) for apps that start offline: a remote one cannot be fetched then. */
  verifier: LicenseVerifier;
  store: TokenStore;
  request: LicenseRequest;
  /**
   * A device-bound license (DPoP): this device's key, the one `client` was created with. Both the
   * service's answer and the kept token must then be bound to it: a token copied into the store
   * from another device is not accepted offline.
   */
  deviceKey?: DeviceKeyLike;
}

/**
 * @example
 * const license = createOfflineLicense({
 *   client: createLicenseClient({ baseUrl }),
 *   verifier: createLicenseVerifier({ issuer: baseUrl, jwks: PINNED_JWKS, audience: APP_ID }),
 *   store: fileTokenStore(".license-token"),
 *   request: { licenseKey, fingerprint: machineId },
 * });
 * const check = await license.check();
 * if (!check.valid) showActivationDialog(check.message);
 */
export function createOfflineLicense(options: OfflineLicenseOptions) {
  const { client, verifier, store, request } = options;
  const bindings = { fingerprint: request.fingerprint, deviceKey: options.deviceKey };
  return {
    async check(now?: Date): Promise<OfflineCheck> {
      let answer: Awaited<ReturnType<LicenseClient["verify"]>>;
      try {
        answer = await client.verify(request);
      } catch (err) {
        if (!isTransient(err)) throw err;
        return fromStore(err, now);
      }
      if (!answer.valid || !answer.license_token) {
        await store.set(null);
        return { valid: false, source: "online", code: answer.code, message: answer.message };
      }
      // Trust what the service answered only once its token verifies here too.
      const claims = await verifier.verify(answer.license_token, { currentDate: now, ...bindings });
      await store.set(answer.license_token);
      return { valid: true, source: "online", claims, token: answer.license_token, degraded: answer.degraded === true };
    },
  };

  async function fromStore(unreachable: LicenseClientError, now?: Date): Promise<OfflineCheck> {
    const token = await store.get();
    if (token) {
      try {
        const claims = await verifier.verify(token, { currentDate: now, ...bindings });
        return { valid: true, source: "cached", claims, token, unreachable };
      } catch {
        // Expired, or keys that no longer sign it: not usable, but the app may be online later.
      }
    }
    return {
      valid: false,
      source: "cached",
      code: "UNREACHABLE_NO_VALID_TOKEN",
      message: "The license service cannot be reached and no kept license token is still valid.",
      unreachable,
    };
  }
}
