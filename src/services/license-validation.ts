// The refusal model: whether a license may be used right now, for what, decided by one function
// (`evaluateLicense`) and mapped to API errors in one place (`refusalError`). Validate, verify,
// validate-hardware, leases, checkouts and degraded answers all call it, so a route that hands
// out a credential cannot apply weaker checks than verify. Outcomes are values; routes that answer
// `valid: false` send them as they are, routes that refuse with an error throw `refusalError`.
import { effectiveStatus, VALIDATION_MESSAGES, type ValidationCode } from "../contract/licenses";
import type { LicenseRecord } from "../db/repositories/licenses";
import { AppError, type ErrorCode } from "../errors";
import { ipAllowed } from "./binding";
import { DPOP_ERROR_CODES, type ProofState, proofRefusal } from "./device-proof";

/** A VALID answer given from the edge's snapshot while Postgres is unreachable (services/degraded.ts). */
export interface Degraded {
  /** When the live check this answer repeats was made. */
  since: Date;
  /** The end of the policy's grace: no degraded answer after it. */
  until: Date;
}

export type Refusal = Exclude<ValidationCode, "VALID">;

export type Validation =
  | {
      valid: true;
      code: "VALID";
      license: LicenseRecord;
      hwBound: boolean;
      degraded?: Degraded;
      /** The device key (RFC 7638 thumbprint) the request proved: what is issued on it names it in `cnf.jkt`. */
      jkt?: string;
    }
  | { valid: false; code: Refusal; license?: LicenseRecord };

/**
 * What the caller wants from the license. `status`: only the answer (validate). `token`: a
 * license token (verify, validate-hardware). `file`: a license or machine file (checkouts).
 * `lease`: a floating seat, its token or its borrowed file. `seat`: an activation (the device is
 * about to hold one, so none is required yet; the IP allowlist still applies). Tokens and files of
 * a floating license come only with a lease: outside one they are refused with LEASE_REQUIRED.
 */
export type Use = "status" | "token" | "file" | "lease" | "seat";

export interface ValidationRequest {
  use?: Use;
  applicationId?: string;
  /** The caller named a device (fingerprint / hwuid). */
  fingerprint?: string;
  /** The device must hold a live activation whatever the policy says (validate-hardware, machine files). */
  requireDevice?: boolean;
  /** Canonical domain, or null when one was given but is not a valid host name. */
  domain?: string | null;
  /** `CF-Connecting-IP`; undefined for callers that are not the device (admin uploads), which IP binding refuses. */
  clientIp?: string;
  /** The request's DPoP proof, settled (services/device-proof.ts); absent: none was sent. */
  proof?: ProofState;
  /**
   * The seller (or the signed-in customer) asks, not the device: no proof is asked, and what is
   * issued is bound to the key the device's activation holds.
   */
  trusted?: boolean;
  now: Date;
}

const NO_PROOF_STATE: ProofState = { check: undefined, replayed: false };

/** True when a device's last heartbeat is older than the policy's interval plus grace. */
export function heartbeatDead(
  policy: Pick<LicenseRecord["policy"], "heartbeatIntervalS" | "heartbeatGraceS">,
  lastHeartbeatAt: Date | null | undefined,
  now: Date,
): boolean {
  if (!policy.heartbeatIntervalS || !lastHeartbeatAt) return false;
  return now.getTime() > lastHeartbeatAt.getTime() + (policy.heartbeatIntervalS + policy.heartbeatGraceS) * 1000;
}

/** The license's own lifecycle refusal (revoked, suspended, expired), whatever is asked of it. */
export function statusRefusal(license: Pick<LicenseRecord, "status" | "expiresAt">, now: Date): Refusal | undefined {
  const status = effectiveStatus(license, now);
  if (status === "revoked") return "REVOKED";
  if (status === "suspended") return "SUSPENDED";
  if (status === "expired") return "EXPIRED";
  return undefined;
}

/**
 * Order: existence, lifecycle status, application scope, the policy's binding, the device's key,
 * then what the use needs. A refused device key proof is thrown (a 401 with `WWW-Authenticate:
 * DPoP`, whichever route asked): it says nothing about the license, only about the request.
 */
export function evaluateLicense(license: LicenseRecord | undefined, request: ValidationRequest): Validation {
  if (!license) return { valid: false, code: "NOT_FOUND" };
  const fail = (code: Refusal): Validation => ({ valid: false, code, license });
  const lifecycle = statusRefusal(license, request.now);
  if (lifecycle) return fail(lifecycle);
  if (request.applicationId !== undefined && request.applicationId !== license.applicationId) return fail("PRODUCT_MISMATCH");

  const { bindingMode } = license.policy;
  const use = request.use ?? "status";
  if (use === "seat") {
    if (bindingMode === "ip" && !ipAllowed(request.clientIp, license.allowedCidrs)) return fail("IP_NOT_ALLOWED");
    return { valid: true, code: "VALID", license, hwBound: false };
  }
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
  let jkt: string | undefined;
  const proofMode = license.policy.proofOfPossession;
  if (proofMode !== "none") {
    // The activation the request stands on: its device, or the site of a domain-bound license.
    const bound = device ?? (bindingMode === "domain" && license.domainDevice?.id ? license.domainDevice : undefined);
    if (!bound && proofMode === "required") return fail(license.liveActivations > 0 ? "FINGERPRINT_MISMATCH" : "NOT_ACTIVATED");
    if (request.trusted) jkt = bound?.jkt ?? undefined;
    else {
      const decided = proofRefusal(proofMode, bound?.jkt, request.proof ?? NO_PROOF_STATE);
      if ("error" in decided) throw decided.error;
      jkt = decided.jkt;
    }
  }
  if (bindingMode === "ip" && !ipAllowed(request.clientIp, license.allowedCidrs)) return fail("IP_NOT_ALLOWED");
  if ((use === "token" || use === "file") && license.policy.leaseMode !== "none") return fail("LEASE_REQUIRED");
  // A key-bound device is the seat what is issued stands on, whatever the binding mode: its release ends it.
  const hwBound = request.requireDevice === true || bindingMode === "hardware" || (jkt !== undefined && device !== undefined);
  return jkt === undefined ? { valid: true, code: "VALID", license, hwBound } : { valid: true, code: "VALID", license, hwBound, jkt };
}

/** The activation a valid answer stands on, when the policy required one: its release ends what was issued on it. */
export function boundActivationId(result: Validation & { valid: true }): string | undefined {
  const license = result.license;
  if (result.hwBound) return license.device?.id ?? undefined;
  if (license.policy.bindingMode === "domain") return license.domainDevice?.id ?? undefined;
  return undefined;
}

/** How a refusal reads as an API error, for the routes that refuse with one (leases, checkouts, activate). */
const REFUSAL_ERRORS: Record<Refusal, ErrorCode> = {
  NOT_FOUND: "LICENSE_NOT_FOUND",
  EXPIRED: "LICENSE_EXPIRED",
  SUSPENDED: "LICENSE_SUSPENDED",
  REVOKED: "LICENSE_REVOKED",
  PRODUCT_MISMATCH: "PRODUCT_MISMATCH",
  NOT_ACTIVATED: "ACTIVATION_NOT_FOUND",
  FINGERPRINT_MISMATCH: "ACTIVATION_NOT_FOUND",
  DOMAIN_MISMATCH: "DOMAIN_MISMATCH",
  IP_NOT_ALLOWED: "IP_NOT_ALLOWED",
  HEARTBEAT_DEAD: "HEARTBEAT_DEAD",
  TOO_MANY_ACTIVATIONS: "TOO_MANY_ACTIVATIONS",
  LEASE_REQUIRED: "LEASE_REQUIRED",
};

/** Every error code a refusal can be: what an operation that runs the refusal model declares (a device key's refusals too). */
export const REFUSAL_ERROR_CODES: readonly ErrorCode[] = [...new Set(Object.values(REFUSAL_ERRORS)), ...DPOP_ERROR_CODES];

/** The error a refusal is, with the validation code in `details.validation_code` (the same as validate would answer). */
export function refusalError(code: Refusal, message = VALIDATION_MESSAGES[code]): AppError {
  return new AppError(REFUSAL_ERRORS[code], message, { details: { validation_code: code } });
}

/** Throws the refusal of an outcome that is not valid; answers the valid one. */
export function requireValid(result: Validation): Validation & { valid: true } {
  if (!result.valid) throw refusalError(result.code);
  return result;
}
