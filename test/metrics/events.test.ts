// Every kind of request the metrics count leaves exactly one data point, with its tenant, event,
// code, license and (when Cloudflare reports them) colo and country, and nothing a client sent in
// clear: the rollup rows hold ids and codes only.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { metricRollups } from "../../src/db/schema";
import app from "../../src/index";
import { buildRequest, callWithEnv, createTenant, json, seedLicense, type TestTenant, withDb } from "../harness";

const send = (path: string, body: unknown, token?: string) => callWithEnv({}, path, { body, token });

/** A request as Cloudflare's edge hands it over, with `request.cf`. */
async function sendFromEdge(path: string, body: unknown, cf: { colo: string; country: string }) {
  const plain = buildRequest(path, { body });
  const ctx = createExecutionContext();
  const edge = new Request(plain, { cf } as RequestInit) as unknown as Parameters<typeof app.fetch>[0];
  const res = await app.fetch(edge, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

let t: TestTenant;
let license: { licenseId: string; licenseKey: string; applicationId: string | null };
let rows: { event: string; code: string; licenseId: string; colo: string; country: string; count: number }[];

beforeAll(async () => {
  t = await createTenant("metrics events");
  license = await seedLicense(t.tenantId);
  const key = license.licenseKey;
  expect((await send("/v1/licenses/activate", { license_key: key, fingerprint: "device-1" })).status).toBe(201);
  expect((await send("/v1/licenses/heartbeat", { license_key: key, fingerprint: "device-1" })).status).toBe(200);
  expect((await json(await send("/v1/licenses/validate-hardware", { license_key: key, hwuid: "device-1" }))).code).toBe("VALID");
  const verified = await json(await send("/v1/licenses/verify", { license_key: key, fingerprint: "device-1" }));
  expect(verified.code).toBe("VALID");
  expect((await send("/v1/licenses/introspect", { token: verified.license_token }, t.apiKey)).status).toBe(200);
  expect((await send("/v1/licenses/revoke-token", { token: verified.license_token }, t.apiKey)).status).toBe(200);
  expect((await send("/v1/licenses/deactivate", { license_key: key, fingerprint: "device-1" })).status).toBe(200);
  // A refusal counts too, with its error code.
  expect((await send("/v1/licenses/deactivate", { license_key: key, fingerprint: "device-1" })).status).toBe(404);
  expect((await json(await sendFromEdge("/v1/licenses/validate", { license_key: key }, { colo: "AMS", country: "NL" }))).code).toBe("VALID");

  // Reading the metrics writes what this isolate still holds.
  expect((await callWithEnv({}, "/v1/metrics/summary", { token: t.apiKey })).status).toBe(200);
  rows = await withDb((db) =>
    db
      .select({
        event: metricRollups.event,
        code: metricRollups.code,
        licenseId: metricRollups.licenseId,
        colo: metricRollups.colo,
        country: metricRollups.country,
        count: metricRollups.count,
      })
      .from(metricRollups)
      .where(eq(metricRollups.tenantId, t.tenantId)),
  );
});

describe("one data point per request", () => {
  it("records each event with its code and license", () => {
    const byEvent = rows.map((r) => `${r.event} ${r.code} ${r.licenseId === license.licenseId ? "license" : r.licenseId} ${r.colo}/${r.country}`).sort();
    expect(byEvent).toEqual(
      [
        "activate OK license /",
        "deactivate ACTIVATION_NOT_FOUND license /",
        "deactivate OK license /",
        "heartbeat OK license /",
        "introspect ACTIVE license /",
        "token_revoke OK license /",
        "validate VALID license AMS/NL",
        "validate_hardware VALID license /",
        "verify VALID license /",
      ].sort(),
    );
    expect(rows.every((r) => r.count === 1)).toBe(true);
  });

  it("answers by colo", async () => {
    const res = await callWithEnv({}, "/v1/metrics/validations?group_by=colo", { token: t.apiKey });
    const body = await json(res);
    expect(Object.fromEntries(body.series.map((s: { key: string; total: number }) => [s.key, s.total]))).toEqual({ AMS: 1, "": 2 });
  });

  it("keeps no key, token or fingerprint", () => {
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(license.licenseKey);
    expect(stored).not.toContain("device-1");
  });
});
