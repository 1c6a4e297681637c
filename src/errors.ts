// One error type, one closed set of codes, one code-to-status table. Every 4xx/5xx leaves the
// worker as `{ "error": { "code", "message", "request_id" } }`; `internal` detail is logged, never sent.

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  LICENSE_NOT_FOUND: 404,
  ACTIVATION_NOT_FOUND: 404,
  LICENSE_SUSPENDED: 409,
  LICENSE_REVOKED: 409,
  LICENSE_EXPIRED: 409,
  TOO_MANY_ACTIVATIONS: 409,
  HEARTBEAT_DEAD: 409,
  LEASES_NOT_ENABLED: 409,
  NO_LEASES_AVAILABLE: 409,
  LEASE_NOT_FOUND: 404,
  LEASE_EXPIRED: 409,
  LEASE_BORROWED: 409,
  LEASE_REQUIRED: 409,
  PRODUCT_MISMATCH: 403,
  TOO_MANY_USERS: 409,
  USER_NOT_FOUND: 404,
  USER_NOT_ASSIGNED: 403,
  CUSTOMER_MISMATCH: 409,
  // Webhook deliveries: "retry now" of one that already arrived, or that another attempt is sending.
  ALREADY_DELIVERED: 409,
  DELIVERY_IN_PROGRESS: 409,
  ENDPOINT_DISABLED: 409,
  // Billing connectors' public endpoints: what a provider's delivery can be refused for.
  BILLING_SIGNATURE_INVALID: 400,
  BILLING_EVENT_MALFORMED: 400,
  BILLING_UNMAPPED: 422,
  BILLING_APPLY_FAILED: 409,
  // Device keys (RFC 9449): a missing, malformed, stale, replayed or other-key DPoP proof, with `WWW-Authenticate: DPoP`.
  DPOP_PROOF_MISSING: 401,
  DPOP_PROOF_INVALID: 401,
  DPOP_PROOF_STALE: 401,
  DPOP_METHOD_MISMATCH: 401,
  DPOP_URL_MISMATCH: 401,
  DPOP_PROOF_REPLAYED: 401,
  DPOP_KEY_MISMATCH: 401,
  DOMAIN_MISMATCH: 403,
  IP_NOT_ALLOWED: 403,
  DEACTIVATION_LIMIT_REACHED: 429,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  TLS_VERSION_UNSUPPORTED: 426,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; details?: unknown };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  /** Safe to send: e.g. which fields failed validation. */
  readonly details?: unknown;
  /** For logs only. */
  readonly internal?: unknown;
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; internal?: unknown; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.internal = options.internal;
    this.headers = options.headers;
  }
}

/** The body every failed authentication gets, whatever the reason, so none can be told apart. */
export const unauthorized = () => new AppError("UNAUTHORIZED", "Missing or invalid credentials.");

export const notFound = (what = "Resource") => new AppError("NOT_FOUND", `${what} not found.`);

export const unavailable = (internal?: unknown) =>
  new AppError("SERVICE_UNAVAILABLE", "A backing service is unavailable; retry shortly.", {
    internal,
    headers: { "Retry-After": "5" },
  });
