// Air-gapped activation: a device that never reaches the service writes a request file; the seller
// uploads it (POST /v1/offline/activations, or the console) and hands back the machine file the
// service answers. Removing the license writes a deactivation proof the same way. Both are compact
// JWS (HS256) under a key derived from the license key, so the service, which keeps the key's
// hash, can tell a request made with the license key from a forged or altered one; the nonce makes
// a re-uploaded request replay its first answer instead of taking a second seat.
import { SignJWT } from "jose";
import { keyFromLicenseKeyHash, sha256Hex, toBase64Url } from "./digest.js";
import { armor } from "./license-file-format.js";

export const ACTIVATION_REQUEST_TYP = "activation-request+jwt";
export const DEACTIVATION_PROOF_TYP = "deactivation-proof+jwt";
export const ACTIVATION_REQUEST_LABEL = "ACTIVATION REQUEST";
export const DEACTIVATION_PROOF_LABEL = "DEACTIVATION PROOF";

export type OfflinePurpose = "activation-request" | "deactivation-proof";

interface OfflineClaims {
  /** The license key's visible prefix (`lk_` and 4 more characters): which license, not the key. */
  key_prefix: string;
  fingerprint: string;
  /** 128 random bits: the same request uploaded twice is one activation. */
  nonce: string;
  iat: number;
}

export interface ActivationRequestClaims extends OfflineClaims {
  name?: string;
  metadata?: Record<string, unknown>;
}

export interface DeactivationProofClaims extends OfflineClaims {
  /** The activation the device held (its machine file's `activation_id`): the proof frees that seat, once. */
  activation_id: string;
}

/** The HMAC key of a request or proof: HKDF-SHA256 over the SHA-256 (hex) of the license key. */
export const offlineKeyFromHash = (keyHashHex: string, purpose: OfflinePurpose): Promise<Uint8Array<ArrayBuffer>> =>
  keyFromLicenseKeyHash(keyHashHex, `${purpose}/v1`);

/** The visible prefix of a license key, as the service shows it (`lk_` and 4 more characters). */
export const licenseKeyPrefix = (licenseKey: string) => licenseKey.slice(0, licenseKey.indexOf("_") + 5);

const nonce = () => toBase64Url(crypto.getRandomValues(new Uint8Array(16)));

async function sign(purpose: OfflinePurpose, typ: string, licenseKey: string, claims: OfflineClaims): Promise<string> {
  const key = await offlineKeyFromHash(await sha256Hex(licenseKey), purpose);
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256", typ }).sign(key);
}

export interface ActivationRequestInput {
  licenseKey: string;
  fingerprint: string;
  name?: string;
  metadata?: Record<string, unknown>;
  now?: Date;
}

/**
 * @example
 * await writeFile("activation-request.txt", await createActivationRequest({ licenseKey, fingerprint: machineId, name: hostname() }));
 * // ... the seller uploads it and sends back machine.lic ...
 * await verifyLicenseFile(await readFile("machine.lic", "utf8"), { jwks: PINNED_JWKS, audience: APP_ID, fingerprint: machineId });
 */
export async function createActivationRequest(input: ActivationRequestInput): Promise<string> {
  const claims: ActivationRequestClaims = {
    key_prefix: licenseKeyPrefix(input.licenseKey),
    fingerprint: input.fingerprint,
    nonce: nonce(),
    iat: Math.floor((input.now?.getTime() ?? Date.now()) / 1000),
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
  };
  return armor(ACTIVATION_REQUEST_LABEL, await sign("activation-request", ACTIVATION_REQUEST_TYP, input.licenseKey, claims));
}

/**
 * Proof that the device removed the license: the seller uploads it (POST /v1/offline/deactivations)
 * to free the seat. It names the activation it ends (the machine file's `activation_id`), so it
 * frees that seat once and never the device's next activation.
 */
export async function createDeactivationProof(input: { licenseKey: string; fingerprint: string; activationId: string; now?: Date }): Promise<string> {
  if (typeof input.activationId !== "string" || input.activationId === "") {
    throw new TypeError("`activationId` is required: the `activation_id` of the device's machine file.");
  }
  const claims: DeactivationProofClaims = {
    key_prefix: licenseKeyPrefix(input.licenseKey),
    fingerprint: input.fingerprint,
    nonce: nonce(),
    iat: Math.floor((input.now?.getTime() ?? Date.now()) / 1000),
    activation_id: input.activationId,
  };
  return armor(DEACTIVATION_PROOF_LABEL, await sign("deactivation-proof", DEACTIVATION_PROOF_TYP, input.licenseKey, claims));
}
