// Usage metrics: the events recorded after each response, and the shape of the questions the
// metrics API answers. One vocabulary for the stores (Postgres rollups, Workers Analytics Engine),
// the API and the console.

/** One data point per request of these kinds; `auth_failure` replaces the request's own kind. */
export const METRIC_EVENTS = [
  "validate",
  "verify",
  "validate_hardware",
  "introspect",
  "activate",
  "deactivate",
  "heartbeat",
  "token_revoke",
  "checkout",
  "lease",
  "auth_failure",
] as const;
export type MetricEvent = (typeof METRIC_EVENTS)[number];

/** The events that answer with a validation code: the "validations" series. */
export const VALIDATION_EVENTS: readonly MetricEvent[] = ["validate", "verify", "validate_hardware"];

/** The code of a request that succeeded without a validation code of its own (activate, introspect, ...). */
export const OK_CODE = "OK";
/** A validation that succeeded. */
export const VALID_CODE = "VALID";

export const METRIC_INTERVALS = ["minute", "hour", "day"] as const;
export type MetricInterval = (typeof METRIC_INTERVALS)[number];
export const INTERVAL_MS: Record<MetricInterval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export const METRIC_GROUPS = ["code", "application", "colo"] as const;
export type MetricGroup = (typeof METRIC_GROUPS)[number];

/** Bounds on every metrics query: the range, and the buckets a series may have. */
export const MAX_RANGE_MS = 90 * 86_400_000;
export const MAX_POINTS = 1000;

/** Whom and what a data point concerns: the dimensions both stores keep and group by. */
export interface MetricDimensions {
  /** "" when no tenant could be named (an unknown key, an unknown credential). */
  tenantId: string;
  event: MetricEvent;
  /** The validation code, the error code, or OK. */
  code: string;
  applicationId: string;
  policyId: string;
  licenseId: string;
  /** Cloudflare's location and the client's country (request.cf), when the runtime reports them. */
  colo: string;
  country: string;
}

/** One request's data point: its dimensions, when it ended and how long it took. */
export interface MetricPoint extends MetricDimensions {
  at: Date;
  durationMs: number;
}

/** Threshold alerts, evaluated on the scheduled tick over the last 15 minutes, at most once an hour per rule. */
export const ALERT_KINDS = ["validation_failure_rate", "auth_failures_per_minute"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertRule {
  kind: AlertKind;
  /** `validation_failure_rate`: the share of validations not VALID (0..1); `auth_failures_per_minute`: a count. */
  threshold: number;
  /** Fewer events in the window than this never fire (a single failure is not a 100% failure rate). */
  minEvents: number;
  enabled: boolean;
}

export const DEFAULT_ALERT_RULES: Record<AlertKind, AlertRule> = {
  validation_failure_rate: { kind: "validation_failure_rate", threshold: 0.2, minEvents: 20, enabled: true },
  auth_failures_per_minute: { kind: "auth_failures_per_minute", threshold: 10, minEvents: 1, enabled: true },
};

export const ALERT_WINDOW_MS = 15 * 60_000;
export const ALERT_COOLDOWN_MS = 60 * 60_000;
