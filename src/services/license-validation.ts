// Validation as a value: every business outcome is a code in a result union, never an exception.
// The HTTP layer answers 200 with it; errors are only for bad requests and outages.
import type { LicenseRecord } from "../db/queries/license-lookup";

export const VALIDATION_CODES = [
  "VALID",
  "NOT_FOUND",
  "EXPIRED",
  "SUSPENDED",
  "REVOKED",
  "PRODUCT_MISMATCH",
  "NOT_ACTIVATED",
  "FINGERPRINT_MISMATCH",
  "HEARTBEAT_DEAD",
] as const;

export type ValidationCode = (typeof VALIDATION_CODES)[number];

export const VALIDATION_MESSAGES: Record<ValidationCode, string> = {
  VALID: "The license is valid.",
  NOT_FOUND: "No license matches this key.",
  EXPIRED: "The license has expired.",
  SUSPENDED: "The license is suspended.",
  REVOKED: "The license has been revoked.",
  PRODUCT_MISMATCH: "The license is not for this application.",
  NOT_ACTIVATED: "The license has no activated device.",
  FINGERPRINT_MISMATCH: "This device is not activated for the license.",
  HEARTBEAT_DEAD: "This device missed its heartbeat; send a heartbeat or activate it again.",
};

export type Validation =
  | { valid: true; code: "VALID"; license: LicenseRecord; hwBound: boolean }
  | { valid: false; code: Exclude<ValidationCode, "VALID">; license?: LicenseRecord };

export interface ValidationRequest {
  applicationId?: string;
  /** A device that must hold a live activation of the license (validate-hardware). */
  requireDevice?: string;
  now: Date;
}

export type PublicLicenseStatus = "active" | "suspended" | "revoked" | "expired";

export function effectiveStatus(license: LicenseRecord, now: Date): PublicLicenseStatus {
  if (license.status !== "active") return license.status;
  if (license.expiresAt && license.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** True when the device's last heartbeat is older than the policy's interval plus grace. */
export function heartbeatDead(license: LicenseRecord, now: Date): boolean {
  const { heartbeatIntervalS, heartbeatGraceS } = license.policy;
  const last = license.device?.lastHeartbeatAt;
  if (!heartbeatIntervalS || !last) return false;
  return now.getTime() > last.getTime() + (heartbeatIntervalS + heartbeatGraceS) * 1000;
}

/** Order: existence, then lifecycle status, then scope, then device binding. */
export function evaluateLicense(license: LicenseRecord | undefined, request: ValidationRequest): Validation {
  if (!license) return { valid: false, code: "NOT_FOUND" };
  const status = effectiveStatus(license, request.now);
  if (status === "revoked") return { valid: false, code: "REVOKED", license };
  if (status === "suspended") return { valid: false, code: "SUSPENDED", license };
  if (status === "expired") return { valid: false, code: "EXPIRED", license };
  if (request.applicationId !== undefined && request.applicationId !== license.applicationId) {
    return { valid: false, code: "PRODUCT_MISMATCH", license };
  }
  if (request.requireDevice !== undefined) {
    if (!license.device?.id) {
      return { valid: false, code: license.liveActivations > 0 ? "FINGERPRINT_MISMATCH" : "NOT_ACTIVATED", license };
    }
    if (heartbeatDead(license, request.now)) return { valid: false, code: "HEARTBEAT_DEAD", license };
    return { valid: true, code: "VALID", license, hwBound: true };
  }
  return { valid: true, code: "VALID", license, hwBound: false };
}
