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
