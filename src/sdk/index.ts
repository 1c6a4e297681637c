// Public SDK for integrators (package subpath `edge-license-service/sdk`).
export { createLicenseVerifier, type LicenseVerifier, type LicenseVerifierOptions } from "./verifier";
export { LicenseTokenError, LICENSE_TOKEN_ERROR_CODES, type LicenseTokenErrorCode } from "./errors";
export {
  verifyLicenseJwt,
  LICENSE_TOKEN_TYP,
  DEFAULT_TOKEN_USE,
  MAX_TOKEN_BYTES,
  type LicenseTokenClaims,
  type SigningAlgorithm,
  type VerifyOptions,
} from "./verify";
export { verifyWebhook, WebhookVerificationError, WEBHOOK_TOLERANCE_S, type WebhookErrorCode } from "./webhooks";
