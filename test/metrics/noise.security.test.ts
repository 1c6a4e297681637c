// Unauthenticated noise stays out of a seller's figures and out of the store's size. A request
// counts toward a tenant only when its license key resolved to that tenant: made-up keys naming
// the seller's application neither count in its metrics nor fire its alert (outside finding #10),
// and made-up application ids all land in one anonymous bucket, with no row per invented id
// (finding #11). Also: the minute interval's default range fits the bucket limit.
import { env } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { metricRollups, webhookEvents } from "../../src/db/schema";
import { createLogger } from "../../src/logging";
import { openScope } from "../../src/middleware/scope";
import { callWithEnv, createTenant, json, seedLicense, type TestTenant, withDb } from "../harness";

const send = (body: unknown) => callWithEnv({}, "/v1/licenses/validate", { body });
const read = async (path: string, token: string) => json(await callWithEnv({}, path, { token }));
const unknownKey = () => `lk_${crypto.randomUUID().replaceAll("-", "").padEnd(40, "z").slice(0, 40)}`;

let seller: TestTenant;
let app: string;
beforeAll(async () => {
  seller = await createTenant("metrics noise target");
  const license = await seedLicense(seller.tenantId);
  app = license.applicationId!;
  const rule = await callWithEnv({}, "/v1/metrics/alert-rules/validation_failure_rate", {
    token: seller.apiKey,
    method: "PUT",
    body: { threshold: 0.2, min_events: 5 },
  });
  expect(rule.status).toBe(200);
  for (let i = 0; i < 5; i++) await send({ license_key: license.licenseKey });
});

describe("made-up keys naming a seller's application", () => {
  it("count nowhere in its figures, and fire none of its alerts", async () => {
    for (let i = 0; i < 20; i++) expect((await json(await send({ license_key: unknownKey(), application_id: app }))).code).toBe("NOT_FOUND");
    const body = await read("/v1/metrics/validations?group_by=code", seller.apiKey);
    expect(Object.fromEntries(body.series.map((s: { key: string; total: number }) => [s.key, s.total]))).toEqual({ VALID: 5 });
    const scope = openScope(env, { log: createLogger({ job: "test" }, "warn") });
    try {
      await scope.services.metrics.evaluateAlerts();
    } finally {
      await scope.close();
    }
    const fired = await withDb((db) =>
      db
        .select()
        .from(webhookEvents)
        .where(and(eq(webhookEvents.tenantId, seller.tenantId), eq(webhookEvents.type, "metrics.threshold_crossed"))),
    );
    expect(fired).toHaveLength(0);
  });
});

describe("made-up application ids", () => {
  it("go to one anonymous bucket: no stored row names any of them", async () => {
    const invented = Array.from({ length: 30 }, (_, i) => `app_invented${i}${crypto.randomUUID().slice(0, 8)}`);
    for (const id of invented) await send({ license_key: unknownKey(), application_id: id });
    // Reading flushes this isolate's batch to the store first.
    await read("/v1/metrics/validations", seller.apiKey);
    const rows = await withDb((db) => db.select().from(metricRollups).where(inArray(metricRollups.applicationId, invented)));
    expect(rows).toEqual([]);
    const anonymous = await withDb((db) =>
      db
        .select()
        .from(metricRollups)
        .where(and(eq(metricRollups.tenantId, ""), eq(metricRollups.applicationId, ""), eq(metricRollups.code, "NOT_FOUND"))),
    );
    expect(anonymous.length).toBeGreaterThan(0);
  });
});

describe("GET /v1/metrics/validations?interval=minute", () => {
  it("answers its default range (the last hour) instead of a 422 for too many buckets", async () => {
    const res = await callWithEnv({}, "/v1/metrics/validations?interval=minute", { token: seller.apiKey });
    expect(res.status).toBe(200);
    expect((await json(res)).buckets).toHaveLength(60);
  });
});
