// A small client for the service's public license routes (validate, verify, activate, deactivate,
// heartbeat, checkout, leases) and, on a seller's server, token introspection: a deadline per
// attempt, retries on 503 and 429 that honour `Retry-After`, the API's error envelope as errors with
// stable codes, and, given the device's key, a fresh DPoP proof (RFC 9449) on every device request.
// fetch only: Node 18+, browsers, Deno, Bun, Workers.
import { createDpopProof } from "./dpop.js";
import { type FloatingSeat, type LeaseRpc, type SeatRequest, takeSeat } from "./lease.js";
import type { LicenseTokenClaims } from "./token-format.js";

/** A validation outcome, as POST /v1/licenses/validate answers it (verify adds the token). */
export interface ValidationAnswer {
  valid: boolean;
  /** VALID, NOT_FOUND, EXPIRED, SUSPENDED, REVOKED, FINGERPRINT_MISMATCH, ... */
  code: string;
  message: string;
  license: { id: string; status: string; expires_at: string | null; plan: string | null; features: string[] } | null;
  /** Present while the service's database is unreachable: a VALID answer from the edge's last live one. */
  degraded?: true;
}

export interface VerifyAnswer extends ValidationAnswer {
  license_token?: string;
  license_token_expires_at?: string;
  license_jwks_uri?: string;
}

export interface Activation {
  id: string;
  license_id: string;
  fingerprint: string;
  name: string | null;
  domain: string | null;
  metadata: Record<string, unknown>;
  /** RFC 7638 thumbprint of the device key the activation is bound to (DPoP); null: not key-bound. */
  dpop_jkt: string | null;
  last_heartbeat_at: string;
  next_heartbeat_after: string | null;
  deactivated_at: string | null;
  created_at: string;
}

/** A machine file, as POST /v1/licenses/checkout answers it: verify `license_file` with `verifyLicenseFile`. */
export interface MachineFileAnswer {
  /** The armored file, to keep on the device. */
  license_file: string;
  id: string;
  license_id: string;
  activation_id: string | null;
  issued_at: string;
  /** null: a perpetual file. */
  expires_at: string | null;
  encrypted: boolean;
}

/** RFC 7662: `active` is the live answer; the claims come along when it is active. */
export interface IntrospectionAnswer {
  active: boolean;
  /** Why not active (token_revoked, license_suspended, license_revoked, expired, ...): your own tokens only. */
  reason?: string;
  status?: string;
  token_type?: string;
  [claim: string]: unknown;
}

export interface LicenseRequest {
  licenseKey: string;
  /** The device: a stable hardware id (hwuid). */
  fingerprint?: string;
  /** Domain-bound licenses: the site's host name. */
  domain?: string;
  /** Refuse licenses of other applications. */
  applicationId?: string;
}

export interface LicenseClientOptions {
  /** The service's base URL, e.g. `https://license.example.com`. */
  baseUrl: string;
  /**
   * Server-side only: an API key with `tokens:introspect`, for `introspect()`. Never ship one in
   * a client app; the public routes need no credential.
   */
  apiKey?: string;
  /** Per attempt, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Extra attempts after a 503, a 429 or a network failure. Default 2. */
  retries?: number;
  /** The longest `Retry-After` honoured, in ms; longer ones are not waited for. Default 30,000. */
  maxRetryDelayMs?: number;
  fetch?: typeof fetch;
  /**
   * This device's key (`loadOrCreateDeviceKey`): every device request (all but `introspect`) then
   * carries a `DPoP` proof made for that one attempt, so activate binds the device to the key and a
   * policy with `proof_of_possession` accepts the requests. A refused proof is a `RequestRefused`
   * (HTTP 401) with code DPOP_PROOF_MISSING, DPOP_PROOF_INVALID, DPOP_PROOF_STALE (this device's
   * clock is off), DPOP_METHOD_MISMATCH, DPOP_URL_MISMATCH, DPOP_PROOF_REPLAYED or DPOP_KEY_MISMATCH
   * (the activation is bound to another key).
   */
  deviceKey?: CryptoKeyPair;
}

/** The service answered with an error, or could not be reached. */
export class LicenseClientError extends Error {
  static readonly code: string = "ERR_LICENSE_CLIENT";
  /** The API's error code (RATE_LIMITED, SERVICE_UNAVAILABLE, VALIDATION_FAILED, ...), or ERR_NETWORK / ERR_TIMEOUT. */
  readonly code: string;
  /** HTTP status; 0 when nothing was answered. */
  readonly status: number;
  readonly requestId: string | null;
  /** Seconds the service asked to wait (`Retry-After`), when it did. */
  readonly retryAfterS: number | null;
  readonly details: unknown;

  constructor(
    code: string,
    message: string,
    options: { status?: number; requestId?: string | null; retryAfterS?: number | null; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LicenseClientError";
    this.code = code;
    this.status = options.status ?? 0;
    this.requestId = options.requestId ?? null;
    this.retryAfterS = options.retryAfterS ?? null;
    this.details = options.details;
  }
}

/** Nothing came back: DNS, connection, TLS, or the network is down. */
export class NetworkError extends LicenseClientError {
  static override readonly code = "ERR_NETWORK";
}
/** No answer within `timeoutMs`. */
export class RequestTimeout extends LicenseClientError {
  static override readonly code = "ERR_TIMEOUT";
}
/** 503: the service (usually its database) is unavailable; retry after `retryAfterS`. */
export class ServiceUnavailable extends LicenseClientError {
  static override readonly code = "SERVICE_UNAVAILABLE";
}
/** 429: too many requests from this client or for this key. */
export class RateLimited extends LicenseClientError {
  static override readonly code = "RATE_LIMITED";
}
/** Any other refusal (4xx): the request itself is wrong; retrying will not help. */
export class RequestRefused extends LicenseClientError {
  static override readonly code = "ERR_REQUEST_REFUSED";
}

/** Failures a later attempt may not meet: the service was out of reach or asked to wait. */
export const isTransient = (err: unknown): err is LicenseClientError =>
  err instanceof NetworkError || err instanceof RequestTimeout || err instanceof ServiceUnavailable || err instanceof RateLimited;

const body = (r: LicenseRequest, extra: Record<string, unknown> = {}) => ({
  license_key: r.licenseKey,
  ...(r.fingerprint !== undefined ? { fingerprint: r.fingerprint } : {}),
  ...(r.domain !== undefined ? { domain: r.domain } : {}),
  ...(r.applicationId !== undefined ? { application_id: r.applicationId } : {}),
  ...extra,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterSeconds(header: string | null): number | null {
  if (header === null) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export interface LicenseClient {
  validate(request: LicenseRequest): Promise<ValidationAnswer>;
  /** Validate, and when valid get a signed license token to verify with `createLicenseVerifier`. */
  verify(request: LicenseRequest): Promise<VerifyAnswer>;
  activate(
    request: LicenseRequest & { fingerprint: string; name?: string; metadata?: Record<string, unknown> },
  ): Promise<{ activation: Activation; created: boolean }>;
  deactivate(request: LicenseRequest & { fingerprint: string }): Promise<{ activation: Activation }>;
  heartbeat(request: LicenseRequest & { fingerprint: string }): Promise<{ activation: Activation; next_heartbeat_after: string | null }>;
  /**
   * This device's machine file, for offline use (the device must hold a live activation). `ttlS`
   * may only shorten the policy's default lifetime; `encrypt` seals the claims under the license
   * key and fingerprint. Under a device key, the file is bound to it (`cnf.jkt`).
   */
  checkout(request: LicenseRequest & { fingerprint: string; ttlS?: number | null; encrypt?: boolean }): Promise<MachineFileAnswer>;
  /** Is this token live right now (not revoked, license not suspended)? Needs `apiKey`. */
  introspect(token: string): Promise<IntrospectionAnswer>;
  /**
   * A floating seat, kept alive by heartbeats until `release()` (and released when the process or
   * page goes away). All seats taken: a `RequestRefused` with code NO_LEASES_AVAILABLE and `retryAfterS`.
   */
  lease(request: SeatRequest): Promise<FloatingSeat>;
}

/**
 * @example
 * const client = createLicenseClient({ baseUrl: "https://license.example.com" });
 * const answer = await client.verify({ licenseKey, fingerprint: machineId });
 * if (answer.valid) await keep(answer.license_token);
 * // A device-bound license (DPoP): every request then carries a proof signed with the device's key.
 * const bound = createLicenseClient({ baseUrl, deviceKey: await loadOrCreateDeviceKey(fileKeyStore(".license-device-key.json")) });
 */
/** This package's version (a test keeps it equal to package.json's). */
export const SDK_VERSION = "0.1.0";

export function createLicenseClient(options: LicenseClientOptions): LicenseClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  const maxDelayMs = options.maxRetryDelayMs ?? 30_000;
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  interface Call {
    method?: "POST" | "DELETE";
    auth?: boolean;
    headers?: Record<string, string>;
    /** Browsers: let the request outlive the page (a release on pagehide). */
    keepalive?: boolean;
  }

  async function attempt(path: string, payload: unknown, call: Call): Promise<unknown> {
    const url = `${base}${path}`;
    const method = call.method ?? "POST";
    // One proof per attempt, retries included (a `jti` is accepted once). The seller's own calls
    // (`auth`: an API key) are not a device's, and carry none.
    const proof = options.deviceKey && !call.auth ? await createDpopProof(options.deviceKey, { htm: method, htu: url }) : undefined;
    let res: Response;
    try {
      res = await send(url, {
        method,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          // Shown beside each request in the seller's license activity (never anything about the device).
          "X-Edge-License-SDK": `js/${SDK_VERSION}`,
          ...(call.auth ? { Authorization: `Bearer ${options.apiKey}` } : {}),
          ...(proof ? { DPoP: proof } : {}),
          ...call.headers,
        },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
        ...(call.keepalive ? { keepalive: true } : {}),
      });
    } catch (err) {
      const timedOut = (err as { name?: string })?.name === "TimeoutError";
      throw timedOut
        ? new RequestTimeout("ERR_TIMEOUT", `No answer within ${timeoutMs} ms.`, { cause: err })
        : new NetworkError("ERR_NETWORK", "The license service could not be reached.", { cause: err });
    }
    const text = await res.text();
    let data: Record<string, unknown> | null = null;
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      // Not JSON (a proxy's error page): reported by status below.
    }
    if (res.ok) return data;
    const error = (data?.error ?? {}) as { code?: string; message?: string; request_id?: string; details?: unknown };
    const details = {
      status: res.status,
      requestId: error.request_id ?? res.headers.get("X-Request-Id"),
      retryAfterS: retryAfterSeconds(res.headers.get("Retry-After")),
      details: error.details,
    };
    const message = error.message ?? `The license service answered HTTP ${res.status}.`;
    if (res.status === 503) throw new ServiceUnavailable(error.code ?? "SERVICE_UNAVAILABLE", message, details);
    if (res.status === 429) throw new RateLimited(error.code ?? "RATE_LIMITED", message, details);
    if (res.status >= 500) throw new ServiceUnavailable(error.code ?? `HTTP_${res.status}`, message, details);
    throw new RequestRefused(error.code ?? `HTTP_${res.status}`, message, details);
  }

  async function post<T>(path: string, payload: unknown, call: Call = {}): Promise<T> {
    for (let tried = 0; ; tried++) {
      try {
        return (await attempt(path, payload, call)) as T;
      } catch (err) {
        if (!isTransient(err) || tried >= retries) throw err;
        // The service's own word on when to come back, else a short backoff with jitter.
        const wantedMs = err.retryAfterS !== null ? err.retryAfterS * 1000 : 250 * 2 ** tried + Math.random() * 250;
        if (wantedMs > maxDelayMs) throw err;
        await sleep(wantedMs);
      }
    }
  }

  return {
    validate: (r) => post("/v1/licenses/validate", body(r)),
    verify: (r) => post("/v1/licenses/verify", body(r)),
    activate: (r) => post("/v1/licenses/activate", body(r, { ...(r.name ? { name: r.name } : {}), ...(r.metadata ? { metadata: r.metadata } : {}) })),
    deactivate: (r) => post("/v1/licenses/deactivate", body(r)),
    heartbeat: (r) => post("/v1/licenses/heartbeat", body(r)),
    checkout: (r) =>
      post(
        "/v1/licenses/checkout",
        body(r, { ...(r.ttlS !== undefined ? { ttl_s: r.ttlS } : {}), ...(r.encrypt !== undefined ? { encrypt: r.encrypt } : {}) }),
      ),
    introspect: (token) => {
      if (!options.apiKey) return Promise.reject(new TypeError("introspect() needs `apiKey` (server-side only)."));
      return post("/v1/licenses/introspect", { token }, { auth: true });
    },
    lease: (r) => {
      // The device as verify sees it: a hardware- or domain-bound license's seats are judged on it.
      const device = { licenseKey: r.licenseKey, fingerprint: r.fingerprint, domain: r.domain };
      const rpc: LeaseRpc = {
        // One Idempotency-Key for the request and its retries: a retry never takes a second seat.
        acquire: () =>
          post("/v1/licenses/leases", body(device, { instance_id: r.instanceId, ...(r.user ? { user: r.user } : {}) }), {
            headers: { "Idempotency-Key": crypto.randomUUID() },
          }),
        heartbeat: (id) => post(`/v1/licenses/leases/${encodeURIComponent(id)}/heartbeat`, body(device)),
        release: (id, options) =>
          post(`/v1/licenses/leases/${encodeURIComponent(id)}`, { license_key: r.licenseKey }, { method: "DELETE", keepalive: options?.keepalive }),
        borrow: (id, until) => {
          if (r.fingerprint === undefined)
            return Promise.reject(new TypeError("borrow() needs the seat's `fingerprint`: a borrowed seat is this device's machine file."));
          return post(`/v1/licenses/leases/${encodeURIComponent(id)}/borrow`, body(device, { until: until.toISOString() }));
        },
      };
      return takeSeat(rpc, r);
    },
  };
}

export type { LicenseTokenClaims };
