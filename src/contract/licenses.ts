// License states and validation outcomes: what storage keeps, what services decide and what the
// API answers. Outcomes are values (a code and its message), never HTTP errors.

export const LICENSE_STATUSES = ["active", "suspended", "revoked"] as const;
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];

/** The status the API shows: a stored `active` past its expiry reads `expired`. */
export const PUBLIC_LICENSE_STATUSES = ["active", "suspended", "revoked", "expired"] as const;
export type PublicLicenseStatus = (typeof PUBLIC_LICENSE_STATUSES)[number];

export function effectiveStatus(license: { status: LicenseStatus; expiresAt: Date | null }, now: Date): PublicLicenseStatus {
  if (license.status !== "active") return license.status;
  if (license.expiresAt && license.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** Floating licenses: off, a seat per lease, or a seat per user. */
export const LEASE_MODES = ["none", "per_license", "per_user"] as const;
export type LeaseMode = (typeof LEASE_MODES)[number];

/**
 * DPoP (RFC 9449) device keys: `none` ignores proofs, `optional` binds a device that activates with
 * a proof (and from then on needs one from that key), `required` needs a proof on every device route.
 */
export const PROOF_OF_POSSESSION_MODES = ["none", "optional", "required"] as const;
export type ProofOfPossession = (typeof PROOF_OF_POSSESSION_MODES)[number];

export const BINDING_MODES = ["none", "hardware", "domain", "ip"] as const;
export type BindingMode = (typeof BINDING_MODES)[number];

/** Who released an activation: the client, an admin, the heartbeat rule. Only `client` counts toward churn. */
export const DEACTIVATION_REASONS = ["client", "admin", "heartbeat"] as const;
export type DeactivationReason = (typeof DEACTIVATION_REASONS)[number];

export const VALIDATION_CODES = [
  "VALID",
  "NOT_FOUND",
  "EXPIRED",
  "SUSPENDED",
  "REVOKED",
  "PRODUCT_MISMATCH",
  "NOT_ACTIVATED",
  "FINGERPRINT_MISMATCH",
  "DOMAIN_MISMATCH",
  "IP_NOT_ALLOWED",
  "HEARTBEAT_DEAD",
  "TOO_MANY_ACTIVATIONS",
  "LEASE_REQUIRED",
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
  DOMAIN_MISMATCH: "This domain is not activated for the license.",
  IP_NOT_ALLOWED: "The license may not be used from this IP address.",
  HEARTBEAT_DEAD: "This device missed its heartbeat; send a heartbeat or activate it again.",
  TOO_MANY_ACTIVATIONS: "Every seat of the license is taken; deactivate a device first.",
  LEASE_REQUIRED: "The license is floating: take a lease (POST /v1/licenses/leases) to get a token or a file.",
};
