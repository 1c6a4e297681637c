// License activity on Workers Analytics Engine: the exact data point the sink writes (the license as
// the index), the exact SQL the reader sends for a license's, a customer's and a filtered tenant's
// events (a fake fetch answers; no network), what it makes of the rows, and what it refuses to send.
import { describe, expect, it, vi } from "vitest";
import type { ActivityEvent } from "../../src/contract/activity";
import { MetricsStoreUnavailable } from "../../src/contract/metrics-store";
import { analyticsEngineActivityReader, analyticsEngineActivitySink, toActivityPoint } from "../../src/db/repositories/analytics-engine-activity";

const ACCOUNT_ID = "0123456789abcdef0123456789abcdef";
const TENANT = "tnt_7Hq2kZ9mPxR4vT8wYb3nDc";
const LICENSE = "lic_5Rk2mW8pQx3vT7yZb4nDcH";
const SINCE = new Date("2026-11-01T00:00:00Z");
const UNTIL = new Date("2026-12-01T00:00:00Z");

const EVENT: ActivityEvent = {
  id: "evt_0mi3x0k2a7Hk2pQv8sXyZ3Lm",
  at: new Date("2026-11-20T10:00:00.123Z"),
  tenantId: TENANT,
  licenseId: LICENSE,
  customerId: "cust_9Xk2mW8pQx3vT7yZb4nDc",
  operation: "validateLicense",
  code: "FINGERPRINT_MISMATCH",
  activationId: "",
  fingerprintPrefix: "a1b2c3d4e5f6",
  domain: "",
  country: "DE",
  colo: "FRA",
  network: "203.0.113.0/24",
  userAgent: "Studio/4.2",
  sdk: "js/0.1.0",
  requestId: "req_Q2w3E4r5T6y7U8i9O0pAs",
};

function fakeFetch(status: number, body: unknown) {
  const sql: string[] = [];
  const fn = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    sql.push(String(init?.body));
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  });
  return { fetch: fn as unknown as typeof fetch, sql, fn };
}

const reader = (f: ReturnType<typeof fakeFetch>) =>
  analyticsEngineActivityReader({ accountId: ACCOUNT_ID, apiToken: "cfat_token", dataset: "license_activity", fetch: f.fetch });

describe("the Analytics Engine activity store", () => {
  it("writes one point per event: the license as index1, the fields as blobs in a fixed order, the time in ms", async () => {
    const writes: AnalyticsEngineDataPoint[] = [];
    await analyticsEngineActivitySink({ writeDataPoint: (p?: AnalyticsEngineDataPoint) => writes.push(p!) }).record(EVENT);
    expect(writes).toEqual([toActivityPoint(EVENT)]);
    expect(writes[0]).toEqual({
      indexes: [LICENSE],
      blobs: [
        TENANT,
        EVENT.customerId,
        "validateLicense",
        "FINGERPRINT_MISMATCH",
        "",
        "a1b2c3d4e5f6",
        "",
        "DE",
        "FRA",
        "203.0.113.0/24",
        "Studio/4.2",
        "js/0.1.0",
        EVENT.requestId,
        EVENT.id,
      ],
      doubles: [EVENT.at.getTime()],
    });
  });

  it("asks for a license's events by its index, newest id first, and reads the rows back into events", async () => {
    const row = { licenseId: LICENSE, at: EVENT.at.getTime(), ...Object.fromEntries(Object.entries(EVENT).filter(([k]) => k !== "at" && k !== "licenseId")) };
    const f = fakeFetch(200, { meta: [], data: [row], rows: 1 });
    const found = await reader(f).list({ tenantId: TENANT, licenseId: LICENSE, code: "FINGERPRINT_MISMATCH", since: SINCE, until: UNTIL, limit: 21 });
    expect(found).toEqual([EVENT]);
    expect(f.sql[0]).toBe(
      `SELECT index1 AS licenseId, double1 AS at, blob1 AS tenantId, blob2 AS customerId, blob3 AS operation, blob4 AS code, blob5 AS activationId, blob6 AS fingerprintPrefix, blob7 AS domain, blob8 AS country, blob9 AS colo, blob10 AS network, blob11 AS userAgent, blob12 AS sdk, blob13 AS requestId, blob14 AS id
FROM license_activity
WHERE index1 = '${LICENSE}' AND blob1 = '${TENANT}' AND double1 >= ${SINCE.getTime()} AND double1 < ${UNTIL.getTime()} AND blob4 = 'FINGERPRINT_MISMATCH'
ORDER BY blob14 DESC
LIMIT 21
FORMAT JSON`,
    );
  });

  it("filters a customer's events by device and cursor, and refuses to splice anything that is not an id or a code", async () => {
    const f = fakeFetch(200, { data: [] });
    await reader(f).list({ tenantId: TENANT, customerId: EVENT.customerId, device: "a1b2c3d4e5f6", beforeId: EVENT.id, since: SINCE, until: UNTIL, limit: 2 });
    expect(f.sql[0]).toContain(
      `WHERE blob1 = '${TENANT}' AND double1 >= ${SINCE.getTime()} AND double1 < ${UNTIL.getTime()} AND blob2 = '${EVENT.customerId}' AND (blob5 = 'a1b2c3d4e5f6' OR blob6 = 'a1b2c3d4e5f6') AND blob14 < '${EVENT.id}'`,
    );
    for (const bad of [{ licenseId: "lic_x' OR 1=1 --" }, { code: "VALID' OR '1'='1" }, { operation: "a b" }, { device: "act_x'--" }, { beforeId: "evt_'" }]) {
      await expect(reader(f).list({ tenantId: TENANT, since: SINCE, until: UNTIL, limit: 2, ...bad })).rejects.toThrow(/unexpected form|outside/);
    }
    expect(f.fn).toHaveBeenCalledTimes(1);
  });

  it("is unavailable (a 503 for the API) when the SQL API fails", async () => {
    await expect(reader(fakeFetch(500, "upstream")).list({ tenantId: TENANT, since: SINCE, until: UNTIL, limit: 2 })).rejects.toBeInstanceOf(
      MetricsStoreUnavailable,
    );
  });
});
