// The license token's format (its `typ`, `token_use`, claims, algorithms, size and lifetime
// limits) is defined once, in the SDK package, which verifies what the service issues.
export {
  CLOCK_TOLERANCE_S,
  DEFAULT_ALGORITHMS,
  DEFAULT_TOKEN_USE,
  LICENSE_TOKEN_TYP,
  type LicenseTokenClaims,
  MAX_TOKEN_BYTES,
  MAX_TOKEN_LIFETIME_S,
  PLAN_TIERS,
  type PlanTier,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  TOKEN_LIFETIME_S,
  TOKEN_TIERS,
  type TokenTier,
} from "@edge-license/sdk";
