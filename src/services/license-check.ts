// Looks a license key up and evaluates it: the shared core of validate, verify and validate-hardware.
import type { Database } from "../db/client";
import { findLicenseByKeyHash } from "../db/queries/license-lookup";
import { LICENSE_KEY_PATTERN } from "../crypto/random";
import { sha256Hex } from "../crypto/hash";
import { evaluateLicense, type Validation } from "./license-validation";

export interface LicenseCheck {
  licenseKey: string;
  applicationId?: string;
  fingerprint?: string;
  /** validate-hardware: this device must hold a live activation. */
  requireDevice?: boolean;
  now: Date;
}

/** One Postgres round trip (none for a key that cannot exist, which answers exactly like an unknown one). */
export async function checkLicenseKey(db: () => Database, check: LicenseCheck): Promise<Validation> {
  if (!LICENSE_KEY_PATTERN.test(check.licenseKey)) return evaluateLicense(undefined, { now: check.now });
  const record = await findLicenseByKeyHash(db(), await sha256Hex(check.licenseKey), check.fingerprint);
  // Hardware-bound policies require the device on every validation, not only on validate-hardware.
  const deviceRequired = check.requireDevice || record?.policy.bindingMode === "hardware";
  return evaluateLicense(record, {
    applicationId: check.applicationId,
    requireDevice: deviceRequired ? (check.fingerprint ?? "") : undefined,
    now: check.now,
  });
}
