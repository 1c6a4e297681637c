// The Workers Analytics Engine store: the exact data point the sink writes, the exact request and
// SQL the reader sends for each question (a fake fetch answers with recorded SQL API responses; no
// network), what it makes of the answers, and what it refuses to send at all.
import { describe, expect, it, vi } from "vitest";
import type { MetricPoint } from "../../src/contract/metrics";
import { MetricsStoreUnavailable } from "../../src/contract/metrics-store";
import { analyticsEngineReader, analyticsEngineSink } from "../../src/db/repositories/analytics-engine";
import { ACTIVITY_RESPONSE, AUTH_ERROR_RESPONSE, SERIES_RESPONSE, TOP_LICENSES_RESPONSE, TOTALS_RESPONSE } from "./analytics-engine.fixtures";

const ACCOUNT_ID = "0123456789abcdef0123456789abcdef";
const API_TOKEN = "cfat_Zq8W3pLr5Tn7Vx9Yb2Dc4Fg6Hj8Km1";
const TENANT = "tnt_7Hq2kZ9mPxR4vT8wYb3nDc";
const FROM = new Date("2025-03-01T00:00:00Z"); // 1740787200
const TO = new Date("2025-03-01T03:00:00Z"); // 1740798000
const SQL_URL = `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT_ID}/analytics_engine/sql`;

interface Recorded {
  url: string;
  method: string | undefined;
  authorization: string | null;
  body: unknown;
  signal: unknown;
}

/** A fetch that records each request and answers with `status` and `body` (JSON unless a string). */
function fakeFetch(status: number, body: unknown) {
  const calls: Recorded[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method,
      authorization: new Headers(init?.headers).get("Authorization"),
      body: init?.body,
      signal: init?.signal,
    });
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  });
  return { fetch: fn as unknown as typeof fetch, calls, fn };
}

function reader(status: number, body: unknown, dataset = "license_metrics") {
  const fake = fakeFetch(status, body);
  return { ...fake, reader: analyticsEngineReader({ accountId: ACCOUNT_ID, apiToken: API_TOKEN, dataset, fetch: fake.fetch }) };
}

describe("analyticsEngineReader: the request and the SQL", () => {
  it("series: POSTs the fixed statement with the bearer token, and reads buckets as UTC dates and string counts as numbers", async () => {
    const { reader: r, calls } = reader(200, SERIES_RESPONSE);
    const rows = await r.series({ tenantId: TENANT, events: ["validate", "verify"], from: FROM, to: TO, interval: "hour", groupBy: "code" });

    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(SQL_URL);
    expect(calls[0]!.method).toBe("POST");
    expect(calls[0]!.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(calls[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(calls[0]!.body).toBe(
      `SELECT toStartOfInterval(timestamp, INTERVAL '1' HOUR) AS bucket, blob2 AS group_key, SUM(_sample_interval) AS count
FROM license_metrics
WHERE index1 = 'tnt_7Hq2kZ9mPxR4vT8wYb3nDc' AND blob1 IN ('validate', 'verify') AND timestamp >= toDateTime(1740787200) AND timestamp < toDateTime(1740798000)
GROUP BY bucket, group_key
ORDER BY bucket ASC, group_key ASC
FORMAT JSON`,
    );
    expect(rows).toEqual([
      { bucket: new Date("2025-03-01T00:00:00Z"), key: "EXPIRED", count: 3 },
      { bucket: new Date("2025-03-01T00:00:00Z"), key: "VALID", count: 1520 },
      { bucket: new Date("2025-03-01T01:00:00Z"), key: "VALID", count: 1488 },
      { bucket: new Date("2025-03-01T02:00:00Z"), key: "", count: 2 },
    ]);
  });

  it("series: each interval and group maps to its fixed fragment and column", async () => {
    const { reader: r, calls } = reader(200, { ...SERIES_RESPONSE, data: [] });
    await r.series({ tenantId: TENANT, events: ["activate"], from: FROM, to: TO, interval: "minute", groupBy: "application" });
    await r.series({ tenantId: TENANT, events: ["heartbeat"], from: FROM, to: new Date("2025-03-02T00:00:00Z"), interval: "day", groupBy: "colo" });
    expect(calls.map((c) => String(c.body).split("\n")[0])).toEqual([
      "SELECT toStartOfInterval(timestamp, INTERVAL '1' MINUTE) AS bucket, blob3 AS group_key, SUM(_sample_interval) AS count",
      "SELECT toStartOfInterval(timestamp, INTERVAL '1' DAY) AS bucket, blob6 AS group_key, SUM(_sample_interval) AS count",
    ]);
  });

  it("totals: counts by code, numbers read as they come", async () => {
    const { reader: r, calls } = reader(200, TOTALS_RESPONSE);
    const totals = await r.totals({ tenantId: TENANT, events: ["validate"], from: FROM, to: TO });
    expect(calls[0]!.body).toBe(
      `SELECT blob2 AS code, SUM(_sample_interval) AS count
FROM license_metrics
WHERE index1 = 'tnt_7Hq2kZ9mPxR4vT8wYb3nDc' AND blob1 IN ('validate') AND timestamp >= toDateTime(1740787200) AND timestamp < toDateTime(1740798000)
GROUP BY code
ORDER BY count DESC, code ASC
FORMAT JSON`,
    );
    expect(totals).toEqual([
      { code: "VALID", count: 3008 },
      { code: "EXPIRED", count: 3 },
    ]);
  });

  it("topLicenses (failures): validations not VALID, licensed ones only, most first, limited", async () => {
    const { reader: r, calls } = reader(200, TOP_LICENSES_RESPONSE);
    const top = await r.topLicenses({ tenantId: TENANT, metric: "failures", from: FROM, to: TO, limit: 10 });
    expect(calls[0]!.body).toBe(
      `SELECT blob5 AS license_id, SUM(_sample_interval) AS count
FROM license_metrics
WHERE index1 = 'tnt_7Hq2kZ9mPxR4vT8wYb3nDc' AND blob1 IN ('validate', 'verify', 'validate_hardware') AND blob2 != 'VALID' AND blob5 != '' AND timestamp >= toDateTime(1740787200) AND timestamp < toDateTime(1740798000)
GROUP BY license_id
ORDER BY count DESC, license_id ASC
LIMIT 10
FORMAT JSON`,
    );
    expect(top).toEqual([
      { licenseId: "lic_9xKp2mQ7rT4vW8yZb3nD5f", count: 41 },
      { licenseId: "lic_3hJ6kL8mN2pQ4rS6tU8vWx", count: 7 },
    ]);
  });

  it("topLicenses (validations): every validation, whatever its code", async () => {
    const { reader: r, calls } = reader(200, TOP_LICENSES_RESPONSE);
    await r.topLicenses({ tenantId: TENANT, metric: "validations", from: FROM, to: TO, limit: 100 });
    expect(calls[0]!.body).toBe(
      `SELECT blob5 AS license_id, SUM(_sample_interval) AS count
FROM license_metrics
WHERE index1 = 'tnt_7Hq2kZ9mPxR4vT8wYb3nDc' AND blob1 IN ('validate', 'verify', 'validate_hardware') AND blob5 != '' AND timestamp >= toDateTime(1740787200) AND timestamp < toDateTime(1740798000)
GROUP BY license_id
ORDER BY count DESC, license_id ASC
LIMIT 100
FORMAT JSON`,
    );
  });

  it("activity: one statement, three conditional sums per tenant, tenantless points left out", async () => {
    const { reader: r, calls } = reader(200, ACTIVITY_RESPONSE);
    const activity = await r.activity(new Date("2025-03-01T02:55:00Z"), TO);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toBe(
      `SELECT index1 AS tenant_id, sumIf(_sample_interval, blob1 IN ('validate', 'verify', 'validate_hardware')) AS validations, sumIf(_sample_interval, blob1 IN ('validate', 'verify', 'validate_hardware') AND blob2 != 'VALID') AS failures, sumIf(_sample_interval, blob1 = 'auth_failure') AS auth_failures
FROM license_metrics
WHERE index1 != '' AND blob1 IN ('validate', 'verify', 'validate_hardware', 'auth_failure') AND timestamp >= toDateTime(1740797700) AND timestamp < toDateTime(1740798000)
GROUP BY tenant_id
ORDER BY tenant_id ASC
FORMAT JSON`,
    );
    expect(activity).toEqual([
      { tenantId: "tnt_2bC4dE6fG8hJ9kL1mN3pQ5", validations: 0, failures: 0, authFailures: 57 },
      { tenantId: TENANT, validations: 12040, failures: 310, authFailures: 2 },
    ]);
  });
});

describe("analyticsEngineReader: refuses before sending anything", () => {
  const base = { tenantId: TENANT, from: FROM, to: TO };
  const refusals: [string, (r: ReturnType<typeof analyticsEngineReader>) => Promise<unknown>][] = [
    ["a tenant id with a quote", (r) => r.totals({ ...base, tenantId: "tnt_x' OR 1=1 --", events: ["validate"] })],
    ["a tenant id of the right length with a quote", (r) => r.totals({ ...base, tenantId: "tnt_7Hq2kZ9mPxR4vT8wYb3n'", events: ["validate"] })],
    ["a tenant id with 0/O/I/l (not base58)", (r) => r.totals({ ...base, tenantId: "tnt_0OIl2kZ9mPxR4vT8wYb3nD", events: ["validate"] })],
    ["an empty tenant id", (r) => r.series({ ...base, tenantId: "", events: ["validate"], interval: "hour", groupBy: "code" })],
    ["an unknown interval", (r) => r.series({ ...base, events: ["validate"], interval: "week" as any, groupBy: "code" })],
    ["an interval carrying SQL", (r) => r.series({ ...base, events: ["validate"], interval: "hour) --" as any, groupBy: "code" })],
    ["an unknown group", (r) => r.series({ ...base, events: ["validate"], interval: "hour", groupBy: "blob7" as any })],
    ["an event carrying SQL", (r) => r.totals({ ...base, events: ["validate') OR ('1'='1" as any] })],
    ["an unknown event", (r) => r.totals({ ...base, events: ["login" as any] })],
    ["no events", (r) => r.totals({ ...base, events: [] })],
    ["a fractional limit", (r) => r.topLicenses({ ...base, metric: "failures", limit: 2.5 })],
    ["a zero limit", (r) => r.topLicenses({ ...base, metric: "failures", limit: 0 })],
    ["a limit over 100", (r) => r.topLicenses({ ...base, metric: "failures", limit: 101 })],
    ["a NaN limit", (r) => r.topLicenses({ ...base, metric: "failures", limit: Number.NaN })],
    ["a limit given as text", (r) => r.topLicenses({ ...base, metric: "failures", limit: "10; DROP" as any })],
    ["an unknown metric", (r) => r.topLicenses({ ...base, metric: "everything" as any, limit: 10 })],
    ["an invalid date", (r) => r.totals({ ...base, events: ["validate"], from: new Date("nope") })],
    ["an empty range", (r) => r.totals({ ...base, events: ["validate"], from: TO, to: FROM })],
    ["a range over MAX_RANGE_MS", (r) => r.activity(new Date("2024-01-01T00:00:00Z"), TO)],
  ];

  for (const [what, call] of refusals) {
    it(`refuses ${what}`, async () => {
      const { reader: r, fn } = reader(200, SERIES_RESPONSE);
      await expect(call(r)).rejects.toThrow(/^analytics engine reader: /);
      expect(fn).not.toHaveBeenCalled();
    });
  }

  it("refuses a dataset name or account id with SQL or a path in it when built", () => {
    const fake = fakeFetch(200, SERIES_RESPONSE);
    const build = (accountId: string, dataset: string) => () => analyticsEngineReader({ accountId, apiToken: API_TOKEN, dataset, fetch: fake.fetch });
    expect(build(ACCOUNT_ID, "license_metrics WHERE 1=1 --")).toThrow(/dataset name/);
    expect(build(ACCOUNT_ID, "x; SHOW TABLES")).toThrow(/dataset name/);
    expect(build(ACCOUNT_ID, "")).toThrow(/dataset name/);
    expect(build(ACCOUNT_ID, "a".repeat(65))).toThrow(/dataset name/);
    expect(build("../../zones", "license_metrics")).toThrow(/account id/);
    expect(fake.fn).not.toHaveBeenCalled();
  });
});

describe("analyticsEngineReader: failed answers", () => {
  const ask = (r: ReturnType<typeof analyticsEngineReader>) => r.totals({ tenantId: TENANT, events: ["validate"], from: FROM, to: TO });

  it("a 401 throws with the status and without the token", async () => {
    const { reader: r } = reader(401, AUTH_ERROR_RESPONSE);
    const err: Error = await ask(r).then(
      () => expect.fail("resolved"),
      (e) => e,
    );
    expect(err).toBeInstanceOf(MetricsStoreUnavailable);
    expect(err.message).toContain("HTTP 401");
    expect(err.message).toContain("Authentication error");
    expect(err.message).not.toContain(API_TOKEN);
  });

  it("a network failure or a timeout is the store being unavailable", async () => {
    const timedOut = analyticsEngineReader({
      accountId: ACCOUNT_ID,
      apiToken: API_TOKEN,
      dataset: "license_metrics",
      fetch: () => Promise.reject(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    });
    const err: Error = await ask(timedOut).then(
      () => expect.fail("resolved"),
      (e) => e,
    );
    expect(err).toBeInstanceOf(MetricsStoreUnavailable);
    expect(err.message).toBe("Analytics Engine SQL API unreachable: The operation was aborted due to timeout");
  });

  it("a 500 whose body echoes the token throws without it", async () => {
    const { reader: r } = reader(500, `internal error handling request with Authorization: Bearer ${API_TOKEN}`);
    const err: Error = await ask(r).then(
      () => expect.fail("resolved"),
      (e) => e,
    );
    expect(err.message).toContain("HTTP 500");
    expect(err.message).not.toContain(API_TOKEN);
  });

  it("a 200 that is not JSON, or carries no data array, throws", async () => {
    await expect(ask(reader(200, "Code: 62. DB::Exception: Syntax error").reader)).rejects.toThrow(/HTTP 200 with a body that is not JSON/);
    await expect(ask(reader(200, { errors: [{ message: "unknown column" }] }).reader)).rejects.toThrow(/HTTP 200 without a data array/);
  });

  it("a count or timestamp in an unexpected form throws rather than reading as 0 or Invalid Date", async () => {
    await expect(ask(reader(200, { ...TOTALS_RESPONSE, data: [{ code: "VALID", count: "" }] }).reader)).rejects.toThrow(/count/);
    const series = reader(200, { ...SERIES_RESPONSE, data: [{ bucket: "2025-03-01T00:00:00", group_key: "VALID", count: "1" }] }).reader;
    await expect(series.series({ tenantId: TENANT, events: ["validate"], from: FROM, to: TO, interval: "hour", groupBy: "code" })).rejects.toThrow(/timestamp/);
  });
});

describe("analyticsEngineSink", () => {
  const point: MetricPoint = {
    at: new Date("2025-03-01T00:12:34Z"),
    tenantId: TENANT,
    event: "validate",
    code: "EXPIRED",
    applicationId: "app_4fG6hJ8kL2mN4pQ6rS8tUv",
    policyId: "pol_5gH7jK9mN3pQ5rS7tU9vWx",
    licenseId: "lic_9xKp2mQ7rT4vW8yZb3nD5f",
    colo: "AMS",
    country: "NL",
    durationMs: 12.5,
  };

  it("writes one data point: the tenant as index, the seven blobs in layout order, count weight and duration", async () => {
    const writes: AnalyticsEngineDataPoint[] = [];
    const sink = analyticsEngineSink({ writeDataPoint: (p) => void writes.push(p!) });
    await expect(sink.record(point)).resolves.toBeUndefined();
    await expect(sink.flush()).resolves.toBeUndefined();
    expect(writes).toEqual([
      {
        indexes: [TENANT],
        blobs: ["validate", "EXPIRED", "app_4fG6hJ8kL2mN4pQ6rS8tUv", "pol_5gH7jK9mN3pQ5rS7tU9vWx", "lic_9xKp2mQ7rT4vW8yZb3nD5f", "AMS", "NL"],
        doubles: [1, 12.5],
      },
    ]);
  });

  it("a tenantless point (unknown key) is written with an empty index", async () => {
    const writes: AnalyticsEngineDataPoint[] = [];
    const sink = analyticsEngineSink({ writeDataPoint: (p) => void writes.push(p!) });
    await sink.record({ ...point, tenantId: "", event: "auth_failure", code: "UNAUTHORIZED", applicationId: "", policyId: "", licenseId: "" });
    expect(writes).toEqual([{ indexes: [""], blobs: ["auth_failure", "UNAUTHORIZED", "", "", "", "AMS", "NL"], doubles: [1, 12.5] }]);
  });

  it("a dataset that throws does not make record reject; the failure is logged", async () => {
    const warn = vi.fn();
    const sink = analyticsEngineSink(
      {
        writeDataPoint: () => {
          throw new Error("too many data points");
        },
      },
      { warn },
    );
    await expect(sink.record(point)).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toBe("metrics write failed");
  });

  it("a logger that throws too still does not make record reject", async () => {
    const sink = analyticsEngineSink(
      {
        writeDataPoint: () => {
          throw new Error("down");
        },
      },
      {
        warn: () => {
          throw new Error("log down");
        },
      },
    );
    await expect(sink.record(point)).resolves.toBeUndefined();
  });
});
