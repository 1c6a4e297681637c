// The license token's format: its `typ`, `token_use`, claims, algorithms, size and lifetime
// limits. One definition for the SDK, which verifies tokens, and the service, which issues them
// (it imports these from this package through the workspace).

/** `typ` header of license tokens (RFC 8725 section 3.11 explicit typing). */
export const LICENSE_TOKEN_TYP = "license+jwt";
export const DEFAULT_TOKEN_USE = "licensechain_license_v1";

export type SigningAlgorithm = "RS256" | "ES256" | "EdDSA";
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ["RS256", "ES256", "EdDSA"];
export const DEFAULT_ALGORITHMS = ["RS256"] as const;

/** Larger tokens are refused before any parsing. */
export const MAX_TOKEN_BYTES = 8 * 1024;
/** Seconds of clock skew a verifier tolerates on `exp`, `nbf` and `iat` unless told otherwise. */
export const CLOCK_TOLERANCE_S = 30;

/** `lc_vt`: the policy's token tier, which sets the token's lifetime. */
export const TOKEN_TIERS = ["basic", "advanced", "custom"] as const;
export type TokenTier = (typeof TOKEN_TIERS)[number];

/** Token lifetime by `lc_vt` tier, in seconds; never past the license's own expiry. */
export const TOKEN_LIFETIME_S: Record<TokenTier, number> = { basic: 15 * 60, advanced: 60 * 60, custom: 24 * 60 * 60 };

/** The longest token lifetime (the `custom` tier): an older `iat` cannot belong to a live token. */
export const MAX_TOKEN_LIFETIME_S = TOKEN_LIFETIME_S.custom;

/** `seller_tier`: the tenant's plan tier. */
export const PLAN_TIERS = ["free", "pro", "enterprise"] as const;
export type PlanTier = (typeof PLAN_TIERS)[number];

export interface LicenseTokenClaims {
  iss: string;
  sub: string;
  /** The application id, or the seller's tenant id for a license without an application: always present. */
  aud: string;
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  token_use: string;
  lc_vt: TokenTier;
  seller_tier: string;
  status: string;
  hw_bound: boolean;
  /** Hardware-bound tokens: hex SHA-256 of the device fingerprint (`hwuid`) they were issued to. */
  fingerprint_sha256?: string;
  /** The activation (device seat) the token stands on, when the policy bound it to one: releasing the seat ends the token. */
  activation_id?: string;
  plan: string | null;
  features: string[];
  license_exp?: number;
  /** Issued while the service's database was unreachable, from the edge's last live answer (at most 15 min). */
  degraded?: true;
  /**
   * The license's entry in its tenant's Token Status List (draft-ietf-oauth-status-list). The
   * draft names this claim `status`; license tokens keep `status` for LicenseChain's string.
   */
  status_list?: { idx: number; uri: string };
  /** A floating seat's token: the lease it belongs to, and when that lease ends (the token's `exp` too). */
  lease?: { id: string; exp: number };
  /** RFC 7800 confirmation: the token was issued to the device key with this RFC 7638 thumbprint (DPoP, RFC 9449). */
  cnf?: { jkt: string };
  [claim: string]: unknown;
}
