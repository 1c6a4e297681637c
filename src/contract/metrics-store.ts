// The two sides of a metrics store, so Workers Analytics Engine (production) and the Postgres
// rollups (development and small deployments) are interchangeable: a sink that takes data points
// after each response, and a reader that answers the metrics API's fixed questions.
import type { MetricEvent, MetricGroup, MetricInterval, MetricPoint } from "./metrics";

/** The store could not answer (timeout, network, an error from its API): the API says 503, retry later. */
export class MetricsStoreUnavailable extends Error {
  override name = "MetricsStoreUnavailable";
}

export interface MetricsSink {
  /** Takes one point after the response (in `waitUntil`); settles once it is stored or buffered. */
  record(point: MetricPoint): Promise<void>;
  /** Writes out what is buffered; stores that write as they go do nothing. */
  flush(): Promise<void>;
}

export interface SeriesQuery {
  tenantId: string;
  events: readonly MetricEvent[];
  /** Inclusive; a multiple of the interval. */
  from: Date;
  /** Exclusive; a multiple of the interval. */
  to: Date;
  interval: MetricInterval;
  groupBy: MetricGroup;
}

/** One bucket of one group: `bucket` is the start of the interval, `key` the group's value ("" when unknown). */
export interface SeriesRow {
  bucket: Date;
  key: string;
  count: number;
}

export interface RangeQuery {
  tenantId: string;
  events: readonly MetricEvent[];
  from: Date;
  to: Date;
}

export interface TopLicensesQuery {
  tenantId: string;
  /** `failures`: validations that were not VALID; `validations`: all of them. */
  metric: "failures" | "validations";
  from: Date;
  to: Date;
  limit: number;
}

/** One tenant's activity in a window, for the alert rules. */
export interface TenantActivity {
  tenantId: string;
  validations: number;
  /** Validations whose code was not VALID. */
  failures: number;
  authFailures: number;
}

export interface MetricsReader {
  series(query: SeriesQuery): Promise<SeriesRow[]>;
  /** Counts by code over the range. */
  totals(query: RangeQuery): Promise<{ code: string; count: number }[]>;
  topLicenses(query: TopLicensesQuery): Promise<{ licenseId: string; count: number }[]>;
  /** Every tenant with any validation or failed authentication in [from, to). */
  activity(from: Date, to: Date): Promise<TenantActivity[]>;
}
