// @edge-license/sdk: verify license tokens (remote or pinned keys) and webhooks, and call the
// service's public license routes with retries and an offline fallback. Depends on jose only.

export {
  type Activation,
  createLicenseClient,
  type IntrospectionAnswer,
  isTransient,
  type LicenseClient,
  LicenseClientError,
  type LicenseClientOptions,
  type LicenseRequest,
  NetworkError,
  RateLimited,
  RequestRefused,
  RequestTimeout,
  ServiceUnavailable,
  type ValidationAnswer,
  type VerifyAnswer,
} from "./client.js";
export {
  AlgorithmNotAllowed,
  ClaimInvalid,
  HeaderNotAllowed,
  JwksUnavailable,
  KeyNotFound,
  LICENSE_TOKEN_ERROR_CODES,
  LicenseTokenError,
  type LicenseTokenErrorCode,
  SignatureInvalid,
  TokenExpired,
  TokenMalformed,
  TokenNotYetValid,
  TokenTooLarge,
  TypInvalid,
  tokenError,
  WEBHOOK_ERROR_CODES,
  type WebhookErrorCode,
  WebhookHeadersMissing,
  WebhookSecretInvalid,
  WebhookSignatureInvalid,
  WebhookTimestampInvalid,
  WebhookVerificationError,
} from "./errors.js";
export { createOfflineLicense, memoryTokenStore, type OfflineCheck, type OfflineLicenseOptions, type TokenStore } from "./offline.js";
export * from "./token-format.js";
export {
  createLicenseVerifier,
  type LicenseVerifier,
  type LicenseVerifierOptions,
  type PinnedKeysOptions,
  type RemoteKeysOptions,
  type VerifyTokenOptions,
} from "./verifier.js";
export { type VerifyOptions, verifyLicenseJwt } from "./verify.js";
export { verifyWebhook, WEBHOOK_TOLERANCE_S } from "./webhooks.js";
