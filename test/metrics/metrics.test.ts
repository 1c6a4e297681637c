// Usage metrics on the local store (Postgres rollups), end to end: a known mix of validations and
// failed authentications, recorded after each response, comes back exactly from the metrics API,
// by code and by application, for its own tenant only; gauges are exact; ranges are bounded; and
// a crossed alert rule emits one metrics.threshold_crossed event.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { webhookDeliveries, webhookEvents } from "../../src/db/schema";
import { createLogger } from "../../src/logging";
import { openScope } from "../../src/middleware/scope";
import { callWithEnv, createTenant, expectError, insertApiKey, json, seedActivation, seedLicense, type TestTenant, withDb } from "../harness";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Requests through the worker that wait for their work after the response (the metric included). */
const send = (path: string, body: unknown, token?: string) => callWithEnv({}, path, { body, token });
const read = async (path: string, token: string) => {
  const res = await callWithEnv({}, path, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
};
const totals = (body: { series: { key: string; total: number }[] }) => Object.fromEntries(body.series.map((s) => [s.key, s.total]));
const unknownKey = () => `lk_${crypto.randomUUID().replaceAll("-", "").padEnd(40, "z").slice(0, 40)}`;

let seller: TestTenant;
let other: TestTenant;
let ids: { app1: string; app2: string; valid: string; suspended: string; expired: string; bound: string };

beforeAll(async () => {
  [seller, other] = await Promise.all([createTenant("metrics seller"), createTenant("metrics other")]);
  const valid = await seedLicense(seller.tenantId);
  const app1 = valid.applicationId!;
  const suspended = await seedLicense(seller.tenantId, { status: "suspended" });
  const app2 = suspended.applicationId!;
  const expired = await seedLicense(seller.tenantId, { applicationId: app2, expiresAt: new Date(Date.now() - HOUR) });
  const bound = await seedLicense(seller.tenantId, { applicationId: app1, bindingMode: "hardware" });
  await seedActivation(seller.tenantId, bound.licenseId, "the-laptop");
  ids = { app1, app2, valid: valid.licenseId, suspended: suspended.licenseId, expired: expired.licenseId, bound: bound.licenseId };

  // The known mix.
  for (let i = 0; i < 3; i++) expect((await json(await send("/v1/licenses/validate", { license_key: valid.licenseKey }))).code).toBe("VALID");
  expect((await json(await send("/v1/licenses/verify", { license_key: valid.licenseKey }))).code).toBe("VALID");
  // Unknown keys count for no tenant, even naming the seller's own application (anyone can name it).
  for (let i = 0; i < 2; i++)
    expect((await json(await send("/v1/licenses/validate", { license_key: unknownKey(), application_id: app1 }))).code).toBe("NOT_FOUND");
  expect((await json(await send("/v1/licenses/validate", { license_key: suspended.licenseKey }))).code).toBe("SUSPENDED");
  expect((await json(await send("/v1/licenses/verify", { license_key: expired.licenseKey }))).code).toBe("EXPIRED");
  expect((await json(await send("/v1/licenses/validate", { license_key: bound.licenseKey, fingerprint: "a-stranger" }))).code).toBe("FINGERPRINT_MISMATCH");
  // A NOT_FOUND that names no application belongs to no tenant.
  expect((await json(await send("/v1/licenses/validate", { license_key: unknownKey() }))).code).toBe("NOT_FOUND");
  // Failed authentications with the seller's own dead credentials, and one with nobody's.
  const revoked = await insertApiKey(seller.tenantId, { revokedAt: new Date(Date.now() - 1000) });
  for (let i = 0; i < 2; i++) expect((await callWithEnv({}, "/v1/tenant", { token: revoked.secret })).status).toBe(401);
  expect((await callWithEnv({}, "/v1/tenant", { token: `sk_${"x".repeat(40)}` })).status).toBe(401);
  // The other tenant's own traffic.
  const theirs = await seedLicense(other.tenantId);
  expect((await json(await send("/v1/licenses/validate", { license_key: theirs.licenseKey }))).code).toBe("VALID");
});

describe("GET /v1/metrics/validations", () => {
  it("counts exactly the mix, by code", async () => {
    const body = await read("/v1/metrics/validations?group_by=code", seller.apiKey);
    expect(totals(body)).toEqual({ VALID: 4, SUSPENDED: 1, EXPIRED: 1, FINGERPRINT_MISMATCH: 1 });
    expect(body.interval).toBe("hour");
    expect(body.group_by).toBe("code");
    expect(body.buckets).toHaveLength(24);
    // Every series is aligned with the buckets, and its counts add up to its total.
    for (const s of body.series) {
      expect(s.counts).toHaveLength(24);
      expect(s.counts.reduce((a: number, b: number) => a + b, 0)).toBe(s.total);
    }
  });

  it("counts exactly the mix, by application", async () => {
    // A whole hour of minutes, up to the end of this one.
    const to = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
    const range = `from=${new Date(to - HOUR).toISOString()}&to=${new Date(to).toISOString()}`;
    const body = await read(`/v1/metrics/validations?group_by=application&interval=minute&${range}`, seller.apiKey);
    expect(totals(body)).toEqual({ [ids.app1]: 5, [ids.app2]: 2 });
    expect(body.buckets).toHaveLength(60);
  });

  it("shows another tenant none of it", async () => {
    expect(totals(await read("/v1/metrics/validations", other.apiKey))).toEqual({ VALID: 1 });
    expect(totals(await read("/v1/metrics/auth-failures", other.apiKey))).toEqual({});
  });
});

describe("GET /v1/metrics/auth-failures (getAuthFailureMetrics) and GET /v1/metrics/top-licenses (getTopLicenses)", () => {
  it("counts the tenant's own failed authentications", async () => {
    expect(totals(await read(`/v1/metrics/auth-failures?interval=day&from=${new Date(Date.now() - 2 * DAY).toISOString()}`, seller.apiKey))).toEqual({
      UNAUTHORIZED: 2,
    });
  });

  it("ranks licenses by failed and by all validations", async () => {
    const failures = await read("/v1/metrics/top-licenses?metric=failures", seller.apiKey);
    // Each row names its license's key prefix and customer (ids only: metrics:read reads no personal data).
    const named = (id: string, count: number) => ({ license_id: id, count, key_prefix: expect.stringMatching(/^lk_/), customer_id: null });
    expect(failures.data).toEqual([ids.bound, ids.expired, ids.suspended].sort().map((id) => named(id, 1)));
    const all = await read("/v1/metrics/top-licenses?metric=validations&limit=1", seller.apiKey);
    expect(all.data).toEqual([named(ids.valid!, 4)]);
  });
});

describe("GET /v1/metrics/summary", () => {
  it("has exact gauges and the last 24 hours' totals", async () => {
    const t = await createTenant("metrics gauges");
    const soon = await seedLicense(t.tenantId, { expiresAt: new Date(Date.now() + 5 * DAY), maxActivations: 3, heartbeatIntervalS: 600 });
    await seedLicense(t.tenantId, { expiresAt: new Date(Date.now() + 20 * DAY), maxActivations: null });
    await seedLicense(t.tenantId, { status: "suspended" });
    await seedLicense(t.tenantId, { status: "revoked" });
    await seedLicense(t.tenantId, { expiresAt: new Date(Date.now() - DAY) });
    // Two seats taken through the API (so the stored count is kept), one of them since silent.
    for (const device of ["alive", "silent"])
      expect((await send("/v1/licenses/activate", { license_key: soon.licenseKey, fingerprint: device })).status).toBe(201);
    await withDb((db) =>
      db.execute(`update activations set last_heartbeat_at = now() - interval '2 hours' where license_id = '${soon.licenseId}' and fingerprint = 'silent'`),
    );
    const endpoint = await json(
      await callWithEnv({}, "/v1/webhooks", { token: t.apiKey, body: { url: "https://example.com/hook", event_types: ["license.revoked"] } }),
    );
    await withDb(async (db) => {
      // The tenant's own event (its activations above recorded some) and a delivery that gave up.
      const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.tenantId, t.tenantId)).limit(1);
      await db.insert(webhookDeliveries).values({
        id: `dlv_gauge${crypto.randomUUID().slice(0, 8)}`,
        tenantId: t.tenantId,
        eventId: event!.id,
        endpointId: endpoint.id,
        status: "failed",
        attempts: 10,
      });
    });
    expect((await json(await send("/v1/licenses/validate", { license_key: soon.licenseKey }))).code).toBe("VALID");

    const summary = await read("/v1/metrics/summary", t.apiKey);
    expect(summary.store).toBe("local");
    expect(summary.gauges).toEqual({
      licenses: { active: 2, suspended: 1, revoked: 1, expired: 1 },
      live_devices: 1,
      seats: { used: 2, total: 3, unlimited_licenses: 1 },
      expiring: { within_7_days: 1, within_30_days: 2 },
      webhook_deliveries: { failed: 1, retrying: 0 },
    });
    expect(summary.last_24h).toMatchObject({ validations: 1, valid: 1, success_rate: 1, by_code: { VALID: 1 }, auth_failures: 0 });
    expect(summary.last_30d).toMatchObject({ validations: 1, valid: 1 });
  });
});

describe("metrics queries are bounded and guarded", () => {
  it("refuses a reversed range, more than 90 days and more than 1,000 points (422)", async () => {
    const now = Date.now();
    const q = (params: string) => callWithEnv({}, `/v1/metrics/validations?${params}`, { token: seller.apiKey });
    await expectError(await q(`from=${new Date(now).toISOString()}&to=${new Date(now - HOUR).toISOString()}`), 422, "VALIDATION_FAILED");
    await expectError(await q(`interval=day&from=${new Date(now - 91 * DAY).toISOString()}&to=${new Date(now).toISOString()}`), 422, "VALIDATION_FAILED");
    await expectError(await q(`interval=minute&from=${new Date(now - 2 * DAY).toISOString()}`), 422, "VALIDATION_FAILED");
    await expectError(await q("group_by=license"), 422, "VALIDATION_FAILED");
    await expectError(await callWithEnv({}, "/v1/metrics/top-licenses?limit=1000", { token: seller.apiKey }), 422, "VALIDATION_FAILED");
  });

  it("needs metrics:read", async () => {
    const reader = await insertApiKey(seller.tenantId, { permissions: ["licenses:read"] });
    for (const path of ["/v1/metrics/validations", "/v1/metrics/auth-failures", "/v1/metrics/summary", "/v1/metrics/top-licenses", "/v1/metrics/alert-rules"]) {
      await expectError(await callWithEnv({}, path, { token: reader.secret }), 403, "FORBIDDEN");
    }
  });
});

describe("threshold alerts: PUT /v1/metrics/alert-rules/{kind} (putAlertRule) and GET /v1/metrics/alert-rules (listAlertRules)", () => {
  afterEach(() => vi.useRealTimers());

  it("emit one metrics.threshold_crossed when a tenant's failure rate crosses its rule, then wait an hour", async () => {
    // Far in the future, so the 15-minute window holds this test's validations and nobody else's.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3650 * DAY);
    const t = await createTenant("metrics alerts");
    const rule = await callWithEnv({}, "/v1/metrics/alert-rules/validation_failure_rate", {
      token: t.apiKey,
      method: "PUT",
      body: { threshold: 0.2, min_events: 5 },
    });
    expect(await json(rule)).toEqual({ kind: "validation_failure_rate", threshold: 0.2, min_events: 5, enabled: true, last_fired_at: null });
    const license = await seedLicense(t.tenantId);
    const suspended = await seedLicense(t.tenantId, { applicationId: license.applicationId, status: "suspended" });
    for (let i = 0; i < 5; i++) await send("/v1/licenses/validate", { license_key: license.licenseKey });
    for (let i = 0; i < 5; i++) await send("/v1/licenses/validate", { license_key: suspended.licenseKey });
    vi.setSystemTime(Date.now() + 60_000);

    const scope = openScope(env, { log: createLogger({ job: "test" }, "warn") });
    try {
      expect(await scope.services.metrics.evaluateAlerts()).toBe(1);
      // Within the hour it stays quiet.
      expect(await scope.services.metrics.evaluateAlerts()).toBe(0);
    } finally {
      await scope.close();
    }
    const events = await withDb((db) =>
      db
        .select()
        .from(webhookEvents)
        .where(and(eq(webhookEvents.tenantId, t.tenantId), eq(webhookEvents.type, "metrics.threshold_crossed"))),
    );
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.payload).data).toMatchObject({ rule: "validation_failure_rate", threshold: 0.2, value: 0.5, events: 10 });
    const rules = await read("/v1/metrics/alert-rules", t.apiKey);
    expect(rules.data.find((r: { kind: string }) => r.kind === "validation_failure_rate").last_fired_at).toBe(new Date(Date.now()).toISOString());
    // Another tenant's rule is its own: still the default, never fired.
    expect((await read("/v1/metrics/alert-rules", other.apiKey)).data[0]).toEqual({
      kind: "validation_failure_rate",
      threshold: 0.2,
      min_events: 20,
      enabled: true,
      last_fired_at: null,
    });
  });
});

describe("an Analytics Engine store that cannot answer", () => {
  it("is a 503 with Retry-After, not a 500 or a hang", async () => {
    // Configured for Analytics Engine with a made-up account and token: unreachable from a sandbox, refused from anywhere else.
    const ae = { METRICS_STORE: "analytics_engine", CF_ACCOUNT_ID: "0123456789abcdef0123456789abcdef", CF_ANALYTICS_TOKEN: "test-token" };
    const res = await callWithEnv(ae, "/v1/metrics/validations", { token: seller.apiKey });
    expect(res.headers.get("Retry-After")).toBe("5");
    await expectError(res, 503, "SERVICE_UNAVAILABLE");
    // Unreachable fails at once here; a network that drops packets instead meets the reader's 10 s deadline.
  }, 20_000);
});
