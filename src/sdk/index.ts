// Public SDK for integrators (package subpath `edge-license-service/sdk`).

export { DEFAULT_TOKEN_USE, LICENSE_TOKEN_TYP, type LicenseTokenClaims, MAX_TOKEN_BYTES, type SigningAlgorithm } from "../contract/tokens";
export { LICENSE_TOKEN_ERROR_CODES, LicenseTokenError, type LicenseTokenErrorCode } from "./errors";
export { createLicenseVerifier, type LicenseVerifier, type LicenseVerifierOptions } from "./verifier";
export { type VerifyOptions, verifyLicenseJwt } from "./verify";
export { verifyWebhook, WEBHOOK_TOLERANCE_S, type WebhookErrorCode, WebhookVerificationError } from "./webhooks";
