// Validation as a value: every business outcome is a code in a result union, never an exception.
// The HTTP layer answers 200 with it; errors are only for bad requests and outages.
import { effectiveStatus, type ValidationCode } from "../contract/licenses";
import type { LicenseRecord } from "../db/repositories/licenses";
import { ipAllowed } from "./binding";

/** A VALID answer given from the edge's snapshot while Postgres is unreachable (services/degraded.ts). */
export interface Degraded {
  /** When the live check this answer repeats was made. */
  since: Date;
  /** The end of the policy's grace: no degraded answer after it. */
  until: Date;
}

export type Validation =
  | { valid: true; code: "VALID"; license: LicenseRecord; hwBound: boolean; degraded?: Degraded }
  | { valid: false; code: Exclude<ValidationCode, "VALID">; license?: LicenseRecord };

export interface ValidationRequest {
  applicationId?: string;
  /** The caller named a device (fingerprint / hwuid). */
  fingerprint?: string;
  /** validate-hardware: the device must hold a live activation whatever the policy says. */
  requireDevice?: boolean;
  /** Canonical domain, or null when one was given but is not a valid host name. */
  domain?: string | null;
  /** `CF-Connecting-IP`. */
  clientIp?: string;
  now: Date;
}

/** True when a device's last heartbeat is older than the policy's interval plus grace. */
export function heartbeatDead(
  policy: Pick<LicenseRecord["policy"], "heartbeatIntervalS" | "heartbeatGraceS">,
  lastHeartbeatAt: Date | null | undefined,
  now: Date,
): boolean {
  if (!policy.heartbeatIntervalS || !lastHeartbeatAt) return false;
  return now.getTime() > lastHeartbeatAt.getTime() + (policy.heartbeatIntervalS + policy.heartbeatGraceS) * 1000;
}

/** Order: existence, lifecycle status, application scope, then the policy's binding. */
export function evaluateLicense(license: LicenseRecord | undefined, request: ValidationRequest): Validation {
  if (!license) return { valid: false, code: "NOT_FOUND" };
  const fail = (code: Exclude<ValidationCode, "VALID">): Validation => ({ valid: false, code, license });
  const status = effectiveStatus(license, request.now);
  if (status === "revoked") return fail("REVOKED");
  if (status === "suspended") return fail("SUSPENDED");
  if (status === "expired") return fail("EXPIRED");
  if (request.applicationId !== undefined && request.applicationId !== license.applicationId) return fail("PRODUCT_MISMATCH");

  const { bindingMode } = license.policy;
  const device = license.device?.id ? license.device : undefined;
  if (request.requireDevice || bindingMode === "hardware") {
    if (!device) return fail(license.liveActivations > 0 ? "FINGERPRINT_MISMATCH" : "NOT_ACTIVATED");
  }
  // A named device that stopped sending heartbeats is dead whatever the binding mode.
  if (device && heartbeatDead(license.policy, device.lastHeartbeatAt, request.now)) return fail("HEARTBEAT_DEAD");
  if (bindingMode === "domain") {
    const site = license.domainDevice?.id ? license.domainDevice : undefined;
    if (!site) return fail(license.liveActivations > 0 || request.domain !== undefined ? "DOMAIN_MISMATCH" : "NOT_ACTIVATED");
    if (heartbeatDead(license.policy, site.lastHeartbeatAt, request.now)) return fail("HEARTBEAT_DEAD");
  }
  if (bindingMode === "ip" && !ipAllowed(request.clientIp, license.allowedCidrs)) return fail("IP_NOT_ALLOWED");
  return { valid: true, code: "VALID", license, hwBound: request.requireDevice === true || bindingMode === "hardware" };
}
