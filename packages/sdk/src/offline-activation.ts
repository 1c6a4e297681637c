// Air-gapped activation: a device that never reaches the service writes a request file; the seller
// uploads it (POST /v1/offline/activations, or the console) and hands back the machine file the
// service answers. Removing the license writes a deactivation proof the same way. Both are compact
// JWS (HS256) under a key derived from the license key, so the service, which keeps the key's
// hash, can tell a request made with the license key from a forged or altered one; the nonce makes
// a re-uploaded request replay its first answer instead of taking a second seat. Given the
// device's key (DPoP), each file also carries `device_proof`, a DPoP proof bound to the file by its
// nonce: the activation is bound to the key, and only that key can remove it.
import { SignJWT } from "jose";
import { keyFromLicenseKeyHash, sha256Hex, toBase64Url } from "./digest.js";
import { createDpopProof } from "./dpop.js";
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
  /** A DPoP proof of the device's key for the upload route, whose `nonce` is this file's. */
  device_proof?: string;
}

/** A key-bound device's files: its key, and the service's URL (the proof names the route the seller uploads to). */
export interface DeviceKeyedFile {
  /** The device's key (`loadOrCreateDeviceKey`); needs `serviceUrl`. */
  deviceKey?: CryptoKeyPair;
  /** The service's base URL, e.g. `https://license.example.com` (its ISSUER). */
  serviceUrl?: string;
}

/** The file's `device_proof`, when a device key is given. */
async function deviceProof(input: DeviceKeyedFile, route: string, fileNonce: string, now: Date | undefined): Promise<{ device_proof?: string }> {
  if (!input.deviceKey) return {};
  if (typeof input.serviceUrl !== "string" || input.serviceUrl === "") throw new TypeError("`serviceUrl` is required with `deviceKey`.");
  const htu = `${input.serviceUrl.replace(/\/+$/, "")}${route}`;
  return { device_proof: await createDpopProof(input.deviceKey, { htm: "POST", htu, nonce: fileNonce, ...(now ? { now } : {}) }) };
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

export interface ActivationRequestInput extends DeviceKeyedFile {
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
  const fileNonce = nonce();
  const claims: ActivationRequestClaims = {
    key_prefix: licenseKeyPrefix(input.licenseKey),
    fingerprint: input.fingerprint,
    nonce: fileNonce,
    iat: Math.floor((input.now?.getTime() ?? Date.now()) / 1000),
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
    ...(await deviceProof(input, "/v1/offline/activations", fileNonce, input.now)),
  };
  return armor(ACTIVATION_REQUEST_LABEL, await sign("activation-request", ACTIVATION_REQUEST_TYP, input.licenseKey, claims));
}

/**
 * Proof that the device removed the license: the seller uploads it (POST /v1/offline/deactivations)
 * to free the seat. It names the activation it ends (the machine file's `activation_id`), so it
 * frees that seat once and never the device's next activation.
 */
export async function createDeactivationProof(
  input: DeviceKeyedFile & { licenseKey: string; fingerprint: string; activationId: string; now?: Date },
): Promise<string> {
  if (typeof input.activationId !== "string" || input.activationId === "") {
    throw new TypeError("`activationId` is required: the `activation_id` of the device's machine file.");
  }
  const fileNonce = nonce();
  const claims: DeactivationProofClaims = {
    key_prefix: licenseKeyPrefix(input.licenseKey),
    fingerprint: input.fingerprint,
    nonce: fileNonce,
    iat: Math.floor((input.now?.getTime() ?? Date.now()) / 1000),
    activation_id: input.activationId,
    ...(await deviceProof(input, "/v1/offline/deactivations", fileNonce, input.now)),
  };
  return armor(DEACTIVATION_PROOF_LABEL, await sign("deactivation-proof", DEACTIVATION_PROOF_TYP, input.licenseKey, claims));
}
