// Errors with stable codes, one class per code (as jose does): `err instanceof TokenExpired` and
// `switch (err.code)` both work, and every class is also a `LicenseTokenError` (or a
// `WebhookVerificationError`, `LicenseClientError`) for a catch-all.

export const LICENSE_TOKEN_ERROR_CODES = [
  "ERR_TOKEN_MALFORMED",
  "ERR_TOKEN_TOO_LARGE",
  "ERR_HEADER_NOT_ALLOWED",
  "ERR_ALG_NOT_ALLOWED",
  "ERR_TYP_INVALID",
  "ERR_KEY_NOT_FOUND",
  "ERR_SIGNATURE_INVALID",
  "ERR_TOKEN_EXPIRED",
  "ERR_TOKEN_NOT_YET_VALID",
  "ERR_CLAIM_INVALID",
  "ERR_JWKS_UNAVAILABLE",
  "ERR_DEVICE_KEY_MISMATCH",
] as const;

export type LicenseTokenErrorCode = (typeof LICENSE_TOKEN_ERROR_CODES)[number];

/** Why a license token was refused. The subclass says which way; `code` says the same as text. */
export class LicenseTokenError extends Error {
  static readonly code: LicenseTokenErrorCode | "ERR_LICENSE_TOKEN" = "ERR_LICENSE_TOKEN";
  readonly code: LicenseTokenErrorCode;
  /** The claim or header parameter at fault, when there is one. */
  readonly claim?: string;

  constructor(code: LicenseTokenErrorCode, message: string, options: { claim?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LicenseTokenError";
    this.code = code;
    this.claim = options.claim;
  }
}

type TokenErrorOptions = { claim?: string; cause?: unknown };

/** One class per code; the class's name is its code in words. */
function tokenErrorClass<C extends LicenseTokenErrorCode>(code: C, name: string) {
  return class extends LicenseTokenError {
    static override readonly code: C = code;
    constructor(message: string, options: TokenErrorOptions = {}) {
      super(code, message, options);
      this.name = name;
    }
  };
}

/** Not a compact JWS, or its header is not JSON. */
export class TokenMalformed extends tokenErrorClass("ERR_TOKEN_MALFORMED", "TokenMalformed") {}
/** Larger than MAX_TOKEN_BYTES: refused before any parsing. */
export class TokenTooLarge extends tokenErrorClass("ERR_TOKEN_TOO_LARGE", "TokenTooLarge") {}
/** A header parameter that would let the token choose its own key (`jwk`, `jku`, `x5u`, ...). */
export class HeaderNotAllowed extends tokenErrorClass("ERR_HEADER_NOT_ALLOWED", "HeaderNotAllowed") {}
/** An algorithm outside the verifier's allowlist (`none`, HS256, ...). */
export class AlgorithmNotAllowed extends tokenErrorClass("ERR_ALG_NOT_ALLOWED", "AlgorithmNotAllowed") {}
/** Not a license token (`typ` is not `license+jwt`). */
export class TypInvalid extends tokenErrorClass("ERR_TYP_INVALID", "TypInvalid") {}
/** No key of the verifier's set has the token's `kid`. */
export class KeyNotFound extends tokenErrorClass("ERR_KEY_NOT_FOUND", "KeyNotFound") {}
/** The signature does not verify: forged or altered. */
export class SignatureInvalid extends tokenErrorClass("ERR_SIGNATURE_INVALID", "SignatureInvalid") {}
/** Past `exp` (beyond the clock tolerance): get a fresh token. */
export class TokenExpired extends tokenErrorClass("ERR_TOKEN_EXPIRED", "TokenExpired") {}
/** Before `nbf`, or `iat` in the future: a clock is wrong. */
export class TokenNotYetValid extends tokenErrorClass("ERR_TOKEN_NOT_YET_VALID", "TokenNotYetValid") {}
/** A claim is missing or wrong: issuer, audience, `token_use`, identifiers. */
export class ClaimInvalid extends tokenErrorClass("ERR_CLAIM_INVALID", "ClaimInvalid") {}
/** The key set could not be fetched or read: an outage, retry later (not a bad token). */
export class JwksUnavailable extends tokenErrorClass("ERR_JWKS_UNAVAILABLE", "JwksUnavailable") {}
/**
 * Verified with `deviceKey`, and the token's `cnf.jkt` is another key's, or it has none: a token
 * copied from another device, or a bearer token where this device expects a key-bound one.
 */
export class DeviceKeyMismatch extends tokenErrorClass("ERR_DEVICE_KEY_MISMATCH", "DeviceKeyMismatch") {}

const TOKEN_ERROR_CLASSES = {
  ERR_TOKEN_MALFORMED: TokenMalformed,
  ERR_TOKEN_TOO_LARGE: TokenTooLarge,
  ERR_HEADER_NOT_ALLOWED: HeaderNotAllowed,
  ERR_ALG_NOT_ALLOWED: AlgorithmNotAllowed,
  ERR_TYP_INVALID: TypInvalid,
  ERR_KEY_NOT_FOUND: KeyNotFound,
  ERR_SIGNATURE_INVALID: SignatureInvalid,
  ERR_TOKEN_EXPIRED: TokenExpired,
  ERR_TOKEN_NOT_YET_VALID: TokenNotYetValid,
  ERR_CLAIM_INVALID: ClaimInvalid,
  ERR_JWKS_UNAVAILABLE: JwksUnavailable,
  ERR_DEVICE_KEY_MISMATCH: DeviceKeyMismatch,
} satisfies Record<LicenseTokenErrorCode, new (message: string, options?: TokenErrorOptions) => LicenseTokenError>;

/** The error of a code, as its own class. */
export const tokenError = (code: LicenseTokenErrorCode, message: string, options: TokenErrorOptions = {}): LicenseTokenError =>
  new TOKEN_ERROR_CLASSES[code](message, options);

export const WEBHOOK_ERROR_CODES = ["ERR_WEBHOOK_HEADERS", "ERR_WEBHOOK_TIMESTAMP", "ERR_WEBHOOK_SIGNATURE", "ERR_WEBHOOK_SECRET"] as const;
export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

/** Why a webhook delivery was refused. */
export class WebhookVerificationError extends Error {
  static readonly code: WebhookErrorCode | "ERR_WEBHOOK" = "ERR_WEBHOOK";
  readonly code: WebhookErrorCode;
  constructor(code: WebhookErrorCode, message: string) {
    super(message);
    this.name = "WebhookVerificationError";
    this.code = code;
  }
}

function webhookErrorClass<C extends WebhookErrorCode>(code: C, name: string) {
  return class extends WebhookVerificationError {
    static override readonly code: C = code;
    constructor(message: string) {
      super(code, message);
      this.name = name;
    }
  };
}

/** `webhook-id`, `webhook-timestamp` or `webhook-signature` is missing. */
export class WebhookHeadersMissing extends webhookErrorClass("ERR_WEBHOOK_HEADERS", "WebhookHeadersMissing") {}
/** The timestamp is not Unix seconds, or outside the tolerance (a replay, or a wrong clock). */
export class WebhookTimestampInvalid extends webhookErrorClass("ERR_WEBHOOK_TIMESTAMP", "WebhookTimestampInvalid") {}
/** No signature matches: forged, altered, or signed with another secret. */
export class WebhookSignatureInvalid extends webhookErrorClass("ERR_WEBHOOK_SIGNATURE", "WebhookSignatureInvalid") {}
/** The secret given is not a `whsec_` base64 secret. */
export class WebhookSecretInvalid extends webhookErrorClass("ERR_WEBHOOK_SECRET", "WebhookSecretInvalid") {}

export const LICENSE_FILE_ERROR_CODES = [
  "ERR_FILE_MALFORMED",
  "ERR_FILE_TYP_INVALID",
  "ERR_FILE_ALG_NOT_ALLOWED",
  "ERR_FILE_KEY_NOT_FOUND",
  "ERR_FILE_SIGNATURE_INVALID",
  "ERR_FILE_EXPIRED",
  "ERR_FILE_CLAIM_INVALID",
  "ERR_FILE_WRONG_MACHINE",
  "ERR_FILE_DEVICE_KEY_MISMATCH",
  "ERR_FILE_KEY_REQUIRED",
  "ERR_FILE_DECRYPTION_FAILED",
  "ERR_CLOCK_TAMPERED",
  "ERR_STATUS_LIST_INVALID",
  "ERR_STATUS_LIST_STALE",
  "ERR_LICENSE_REVOKED",
  "ERR_LICENSE_SUSPENDED",
] as const;
export type LicenseFileErrorCode = (typeof LICENSE_FILE_ERROR_CODES)[number];

/** Why a license file was refused. The subclass says which way; `code` says the same as text. */
export class LicenseFileError extends Error {
  static readonly code: LicenseFileErrorCode | "ERR_LICENSE_FILE" = "ERR_LICENSE_FILE";
  readonly code: LicenseFileErrorCode;
  constructor(code: LicenseFileErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LicenseFileError";
    this.code = code;
  }
}

function fileErrorClass<C extends LicenseFileErrorCode>(code: C, name: string) {
  return class extends LicenseFileError {
    static override readonly code: C = code;
    constructor(message: string, options: { cause?: unknown } = {}) {
      super(code, message, options);
      this.name = name;
    }
  };
}

/** Not an armored compact JWS, or its header or claims are not JSON. */
export class FileMalformed extends fileErrorClass("ERR_FILE_MALFORMED", "FileMalformed") {}
/** Not a license file (`typ` is not `license-file+jwt`): a license token, say. */
export class FileTypInvalid extends fileErrorClass("ERR_FILE_TYP_INVALID", "FileTypInvalid") {}
/** An algorithm outside the allowlist, or a header that would let the file choose its key. */
export class FileAlgorithmNotAllowed extends fileErrorClass("ERR_FILE_ALG_NOT_ALLOWED", "FileAlgorithmNotAllowed") {}
/** No key of the pinned set has the file's `kid`. */
export class FileKeyNotFound extends fileErrorClass("ERR_FILE_KEY_NOT_FOUND", "FileKeyNotFound") {}
/** The signature does not verify: altered or forged. */
export class FileSignatureInvalid extends fileErrorClass("ERR_FILE_SIGNATURE_INVALID", "FileSignatureInvalid") {}
/** Past its `exp`: check out a new file. */
export class FileExpired extends fileErrorClass("ERR_FILE_EXPIRED", "FileExpired") {}
/** Another issuer or application, or a claim missing. */
export class FileClaimInvalid extends fileErrorClass("ERR_FILE_CLAIM_INVALID", "FileClaimInvalid") {}
/** A machine file for another device (or no fingerprint given to check it against). */
export class FileWrongMachine extends fileErrorClass("ERR_FILE_WRONG_MACHINE", "FileWrongMachine") {}
/**
 * Verified with `deviceKey`, and the file's `cnf.jkt` is another key's, or it has none: a machine
 * file copied to another device that reports the same fingerprint, or an unbound file.
 */
export class FileDeviceKeyMismatch extends fileErrorClass("ERR_FILE_DEVICE_KEY_MISMATCH", "FileDeviceKeyMismatch") {}
/** The file is encrypted: give the license key (and the fingerprint for a machine file). */
export class FileKeyRequired extends fileErrorClass("ERR_FILE_KEY_REQUIRED", "FileKeyRequired") {}
/** The license key (or fingerprint) given does not open the file. */
export class FileDecryptionFailed extends fileErrorClass("ERR_FILE_DECRYPTION_FAILED", "FileDecryptionFailed") {}
/** The device's clock is behind a time it has already seen (file or list `iat`, an earlier check). */
export class ClockTampered extends fileErrorClass("ERR_CLOCK_TAMPERED", "ClockTampered") {}
/** The status list given is not this deployment's list for the file's license. */
export class StatusListInvalid extends fileErrorClass("ERR_STATUS_LIST_INVALID", "StatusListInvalid") {}
/** The status list given is past its `exp` and the app asked for a fresh one (`requireFreshStatusList`). */
export class StatusListStale extends fileErrorClass("ERR_STATUS_LIST_STALE", "StatusListStale") {}
/** The status list marks the license revoked, or the seat (activation, borrowed lease) the file stands on released. */
export class LicenseRevoked extends fileErrorClass("ERR_LICENSE_REVOKED", "LicenseRevoked") {}
/** The status list marks the license suspended. */
export class LicenseSuspended extends fileErrorClass("ERR_LICENSE_SUSPENDED", "LicenseSuspended") {}
