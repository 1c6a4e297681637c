// Typed verification errors with stable codes: callers `switch (err.code)` (the jose habit).

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

export class LicenseTokenError extends Error {
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
