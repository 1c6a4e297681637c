// Signs license files and status lists with the deployment's current signing key. An encrypted
// file is encrypt-then-sign (as Keygen does): the claims sealed in a JWE (`dir`, A256GCM) under a
// key derived from the license key's hash (and the device's fingerprint for a machine file), and
// that JWE signed, so anyone can check the file is authentic without being able to read it.
import {
  armorLicenseFile,
  ENCRYPTED_FILE_CTY,
  LICENSE_FILE_TYP,
  type LicenseFileClaims,
  type LicenseFileKdf,
  licenseFileKeyFromHash,
  STATUS_LIST_TYP,
  type StatusListClaims,
} from "@edge-license/sdk";
import { CompactEncrypt, CompactSign, SignJWT } from "jose";
import type { KeyRing } from "./keys";

/** What seals an encrypted file: the license's key hash, and the fingerprint of a machine file's device. */
export interface FileSeal {
  keyHash: string;
  fingerprint?: string;
}

/** The armored file: `-----BEGIN LICENSE FILE-----`, the compact JWS, `-----END LICENSE FILE-----`. */
export async function signLicenseFile(ring: KeyRing, claims: LicenseFileClaims, seal?: FileSeal): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(claims));
  const header = { alg: ring.signer.alg, kid: ring.signer.kid, typ: LICENSE_FILE_TYP };
  if (!seal) return armorLicenseFile(await new CompactSign(json).setProtectedHeader(header).sign(ring.signer.key));
  const kdf: LicenseFileKdf = seal.fingerprint === undefined ? "license-key" : "license-key+fingerprint";
  const key = await licenseFileKeyFromHash(seal.keyHash, seal.fingerprint);
  const jwe = await new CompactEncrypt(json).setProtectedHeader({ alg: "dir", enc: "A256GCM", kdf }).encrypt(key);
  return armorLicenseFile(
    await new CompactSign(new TextEncoder().encode(jwe)).setProtectedHeader({ ...header, cty: ENCRYPTED_FILE_CTY }).sign(ring.signer.key),
  );
}

/** A signed status list token (`typ` statuslist+jwt). */
export const signStatusList = (ring: KeyRing, claims: StatusListClaims): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: ring.signer.alg, kid: ring.signer.kid, typ: STATUS_LIST_TYP }).sign(ring.signer.key);
