// Looks a license key up and evaluates it: the shared core of validate, verify and validate-hardware.

import { sha256Hex } from "../crypto/hash";
import { LICENSE_KEY_PATTERN } from "../crypto/random";
import type { RowsFn } from "../db/client";
import { findLicenseByKeyHash } from "../db/repositories/licenses";
import { canonicalDomain } from "./binding";
import { type DeviceProof, lookupWithProof, NO_PROOF, type ProofState } from "./device-proof";
import { evaluateLicense, type Use, type Validation, type ValidationRequest } from "./license-validation";

export interface LicenseCheck {
  licenseKey: string;
  /** What the caller wants: only the answer (validate) or a token (verify, validate-hardware). */
  use?: Use;
  applicationId?: string;
  fingerprint?: string;
  domain?: string;
  clientIp?: string;
  /** validate-hardware: this device must hold a live activation. */
  requireDevice?: boolean;
  /** The request's DPoP proof, settled (a degraded answer judges its snapshot with it). */
  proof?: ProofState;
  now: Date;
}

/** What a license is evaluated against: the request, its domain in canonical form (null when invalid). */
export function validationRequest(check: LicenseCheck): ValidationRequest {
  return {
    use: check.use,
    applicationId: check.applicationId,
    fingerprint: check.fingerprint,
    requireDevice: check.requireDevice,
    domain: check.domain === undefined ? undefined : (canonicalDomain(check.domain) ?? null),
    clientIp: check.clientIp,
    proof: check.proof,
    now: check.now,
  };
}

/**
 * One Postgres round trip (none for a key that cannot exist, which answers exactly like an
 * unknown one). The same statement records the DPoP proof's `jti`, if the request has a proof.
 */
export async function checkLicenseKey(rows: () => RowsFn, check: LicenseCheck, proof: DeviceProof = NO_PROOF): Promise<Validation> {
  if (!LICENSE_KEY_PATTERN.test(check.licenseKey)) return evaluateLicense(undefined, { now: check.now });
  const request = validationRequest(check);
  const hashing = sha256Hex(check.licenseKey);
  const { found, proof: settled } = await lookupWithProof(
    proof,
    async (proofKey) => findLicenseByKeyHash(rows(), await hashing, { fingerprint: check.fingerprint, domain: request.domain ?? undefined, proofKey }),
    (record) => record?.proofReplayed,
  );
  return evaluateLicense(found, { ...request, proof: settled });
}
