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
  SDK_VERSION,
  ServiceUnavailable,
  type ValidationAnswer,
  type VerifyAnswer,
} from "./client.js";
export {
  AlgorithmNotAllowed,
  ClaimInvalid,
  ClockTampered,
  FileAlgorithmNotAllowed,
  FileClaimInvalid,
  FileDecryptionFailed,
  FileExpired,
  FileKeyNotFound,
  FileKeyRequired,
  FileMalformed,
  FileSignatureInvalid,
  FileTypInvalid,
  FileWrongMachine,
  HeaderNotAllowed,
  JwksUnavailable,
  KeyNotFound,
  LICENSE_FILE_ERROR_CODES,
  LICENSE_TOKEN_ERROR_CODES,
  LicenseFileError,
  type LicenseFileErrorCode,
  LicenseRevoked,
  LicenseSuspended,
  LicenseTokenError,
  type LicenseTokenErrorCode,
  SignatureInvalid,
  StatusListInvalid,
  StatusListStale,
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
export type { FloatingSeat, LeaseGrant, LeaseInfo, SeatRequest } from "./lease.js";
export {
  type ClockStore,
  memoryClockStore,
  type VerifiedLicenseFile,
  type VerifyLicenseFileOptions,
  verifyLicenseFile,
  verifyStatusList,
} from "./license-file.js";
export * from "./license-file-format.js";
export { createOfflineLicense, memoryTokenStore, type OfflineCheck, type OfflineLicenseOptions, type TokenStore } from "./offline.js";
export {
  ACTIVATION_REQUEST_LABEL,
  ACTIVATION_REQUEST_TYP,
  type ActivationRequestClaims,
  type ActivationRequestInput,
  createActivationRequest,
  createDeactivationProof,
  DEACTIVATION_PROOF_LABEL,
  DEACTIVATION_PROOF_TYP,
  type DeactivationProofClaims,
  licenseKeyPrefix,
  type OfflinePurpose,
  offlineKeyFromHash,
} from "./offline-activation.js";
export {
  decodeStatusList,
  encodeStatusList,
  LICENSE_LIST_STATUS,
  MAX_STATUS_LIST_BYTES,
  STATUS_BITS,
  STATUS_LIST_TYP,
  type StatusListClaims,
  statusAt,
} from "./status-list.js";
export {
  createStatusListKeeper,
  type StatusListKeeper,
  type StatusListKeeperOptions,
  type StatusListRefresh,
  type StatusListStore,
} from "./status-list-keeper.js";
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
export { verifyWebhook, WEBHOOK_TOLERANCE_S, type WebhookHeaders } from "./webhooks.js";
