// Looks a license key up and evaluates it: the shared core of validate, verify and validate-hardware.

import { sha256Hex } from "../crypto/hash";
import { LICENSE_KEY_PATTERN } from "../crypto/random";
import type { RowsFn } from "../db/client";
import { findLicenseByKeyHash } from "../db/repositories/licenses";
import { canonicalDomain } from "./binding";
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
    now: check.now,
  };
}

/** One Postgres round trip (none for a key that cannot exist, which answers exactly like an unknown one). */
export async function checkLicenseKey(rows: () => RowsFn, check: LicenseCheck): Promise<Validation> {
  if (!LICENSE_KEY_PATTERN.test(check.licenseKey)) return evaluateLicense(undefined, { now: check.now });
  const request = validationRequest(check);
  const record = await findLicenseByKeyHash(rows(), await sha256Hex(check.licenseKey), {
    fingerprint: check.fingerprint,
    domain: request.domain ?? undefined,
  });
  return evaluateLicense(record, request);
}
