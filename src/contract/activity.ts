// License activity (the support desk's history): one event per public request that named a license
// and per server-side introspection, recorded after the response. One vocabulary for the two stores
// (Postgres locally and for small deployments, Workers Analytics Engine in production), the API and
// the console.

/** Days a tenant keeps its activity unless it says otherwise; the most it may ask for. */
export const DEFAULT_ACTIVITY_RETENTION_DAYS = 90;
export const MAX_ACTIVITY_RETENTION_DAYS = 400;

/** How much of the client's address an event keeps: its /24 or /48 network (default), or nothing. */
export const ACTIVITY_IP_MODES = ["network", "none"] as const;
export type ActivityIpMode = (typeof ACTIVITY_IP_MODES)[number];

/** Characters kept of a user agent: enough to tell an SDK and platform apart, never a fingerprinting blob. */
export const USER_AGENT_MAX = 200;
/** Hex characters kept of sha256(fingerprint): enough to tell devices apart, not to recover the value. */
export const FINGERPRINT_PREFIX_HEX = 12;

/** One recorded request. Every string is "" when unknown, so both stores keep the same shape. */
export interface ActivityEvent {
  /** `evt_...`, unique; with `at` it orders events and makes the paging cursor. */
  id: string;
  at: Date;
  tenantId: string;
  licenseId: string;
  customerId: string;
  /** The operation's operationId (validateLicense, acquireLease, introspectToken, ...). */
  operation: string;
  /** The validation code, the error code, or OK. */
  code: string;
  /** The activation the request matched (or the one it was about), when one did. */
  activationId: string;
  /** The first FINGERPRINT_PREFIX_HEX hex characters of sha256(fingerprint) the client sent. */
  fingerprintPrefix: string;
  /** The domain the client sent (canonical form), for domain-bound licenses. */
  domain: string;
  country: string;
  colo: string;
  /** The client's /24 or /48 network (ACTIVITY_IP=network), or "" (ACTIVITY_IP=none). */
  network: string;
  userAgent: string;
  /** The SDK and its version from `X-Edge-License-SDK` (e.g. `js/0.1.0`), when a client sent it. */
  sdk: string;
  requestId: string;
}

/** What the API filters on; `since`/`until` bound `at` (inclusive, exclusive). */
export interface ActivityQuery {
  tenantId: string;
  licenseId?: string;
  customerId?: string;
  code?: string;
  operation?: string;
  /** An activation id (`act_...`) or a fingerprint prefix. */
  device?: string;
  since: Date;
  until: Date;
  /** Events older than this id (the paging cursor: ids begin with their time, services/activity/recorder.ts). */
  beforeId?: string;
  limit: number;
}

export interface ActivitySink {
  /** Takes one event after the response (in `waitUntil`); settles once stored or buffered. */
  record(event: ActivityEvent): Promise<void>;
  /** Writes out what is buffered (the reader and the cron call it first). */
  flush(): Promise<void>;
}

export interface ActivityReader {
  /** Newest first, at most `limit`; MetricsStoreUnavailable (a 503) when the store cannot answer. */
  list(query: ActivityQuery): Promise<ActivityEvent[]>;
}

/**
 * What a request leaves for its event: the raw fingerprint and address, which never leave the
 * isolate; the recorder hashes and truncates them after the response (services/activity/recorder.ts).
 */
export interface ActivityDraft extends Omit<ActivityEvent, "id" | "fingerprintPrefix" | "network"> {
  fingerprint?: string;
  clientIp?: string;
}
