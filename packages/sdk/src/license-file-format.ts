// The license file's format: a compact JWS (`typ` license-file+jwt) armored in BEGIN/END lines,
// its claims, and the key an encrypted file's payload is sealed with. One definition for the
// service, which checks files out, and the SDK, which verifies them offline.
import { keyFromLicenseKeyHash, sha256Hex } from "./digest.js";

/** `typ` header of license files (explicit typing: a license token is never taken for a file). */
export const LICENSE_FILE_TYP = "license-file+jwt";
/** Outer header `cty` of an encrypted file: the signed payload is a JWE (`dir`, `A256GCM`). */
export const ENCRYPTED_FILE_CTY = "JWT";
/** Larger files are refused before any parsing. */
export const MAX_LICENSE_FILE_BYTES = 64 * 1024;

/** How an encrypted file's key was derived, in its JWE header (`kdf`): from the license key, and the device for machine files. */
export type LicenseFileKdf = "license-key" | "license-key+fingerprint";

/** `status`: where a verifier finds the license's current state (draft-ietf-oauth-status-list). */
export interface StatusReference {
  status_list: { idx: number; uri: string };
}

export interface LicenseFileClaims {
  iss: string;
  /** The license id. */
  sub: string;
  /** The application id, when the license's policy has one. */
  aud?: string;
  iat: number;
  nbf: number;
  /** Absent only on a perpetual file (the policy's `allow_perpetual_offline`). */
  exp?: number;
  jti: string;
  /** The license's status when the file was checked out (always `active`: other licenses get no file). */
  license_status: string;
  /** The license's own expiry (Unix seconds), when it has one. */
  license_exp?: number;
  plan: string | null;
  features: string[];
  policy: { id: string; name: string; binding_mode: string; max_activations: number | null };
  /** Machine files: the activation they were checked out for, and SHA-256 (hex) of its fingerprint. */
  activation_id?: string;
  fingerprint_sha256?: string;
  /** A borrowed floating seat: the lease the file holds until its `exp`. */
  lease_id?: string;
  /** Where the license's revocation or suspension will show, once the file is out. */
  status?: StatusReference;
  /** RFC 7800 confirmation: a machine file checked out with a device key's proof names that key's RFC 7638 thumbprint. */
  cnf?: { jkt: string };
  [claim: string]: unknown;
}

/** A compact JWS in `-----BEGIN <label>-----` / `-----END <label>-----` lines of 64 characters. */
export function armor(label: string, jws: string): string {
  const lines = jws.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The compact JWS inside `label`'s armor (or a bare one), whitespace removed; null when it is neither. */
export function unarmor(label: string, text: string): string | null {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const trimmed = text.trim();
  let body = trimmed;
  if (trimmed.startsWith(begin)) {
    if (!trimmed.endsWith(end)) return null;
    body = trimmed.slice(begin.length, trimmed.length - end.length);
  }
  const jws = body.replace(/\s+/g, "");
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(jws) ? jws : null;
}

/** The file as a customer can be handed it. */
export const armorLicenseFile = (jws: string): string => armor("LICENSE FILE", jws);
/** The compact JWS of an armored (or bare) license file; null when it is neither. */
export const unarmorLicenseFile = (text: string): string | null => unarmor("LICENSE FILE", text);

/**
 * The 256-bit key an encrypted file is sealed with: HKDF-SHA256 over the SHA-256 (hex) of the
 * license key, so the service can seal a file from the key hash it stores, and only a holder of
 * the key (and, for a machine file, the device's fingerprint) can open it.
 */
export const licenseFileKeyFromHash = (keyHashHex: string, fingerprint?: string): Promise<Uint8Array<ArrayBuffer>> =>
  keyFromLicenseKeyHash(keyHashHex, fingerprint === undefined ? "license-file/v1" : `license-file/v1\n${fingerprint}`);

/** The same key from the license key itself (what the SDK holds). */
export const licenseFileKey = async (licenseKey: string, fingerprint?: string): Promise<Uint8Array<ArrayBuffer>> =>
  licenseFileKeyFromHash(await sha256Hex(licenseKey), fingerprint);
