// A Postgres outage degrades the service, it never blacks it out. The database is hung through the
// relay's fault switch (scripts/lib/faults.ts), for this file's database role only (the one file
// that flips it, so its tests run in order and no other file is touched): every request
// below completes (no hang), within its route's deadline, with the status the outage allows. A
// license seen valid within its policy's grace still validates (marked degraded, with a short
// token that verifies); anything the edge cannot vouch for is a 503 with Retry-After, never
// `valid: false` and never `valid: true`; writes and introspection are 503. When the database
// returns, the breaker probes and answers are live again.
import { env } from "cloudflare:workers";
import { verifyLicenseJwt } from "@edge-license/sdk";
import { createLocalJWKSet } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BREAKER_COOL_DOWN_MS } from "../../src/db/breaker";
import { call, callWithEnv, createTenant, expectError, json, type TestTenant } from "../harness";

const FAULTY_URL = (env as unknown as { TEST_FAULTY_DATABASE_URL: string }).TEST_FAULTY_DATABASE_URL;
/** Requests through the role the fault switch targets; metrics off, so nothing waits on a flush. */
const viaFaultyRole = (path: string, options: Parameters<typeof callWithEnv>[2] = {}) =>
  callWithEnv({ DATABASE_URL: FAULTY_URL, METRICS_STORE: "off" }, path, options);

async function setFaults(setting: { mode: string; delay_ms?: number; every?: number }) {
  const res = await fetch(`http://${env.DB_RELAY_URL}/__faults`, { method: "POST", body: JSON.stringify({ ...setting, user: "license_faults" }) });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

const verify = (body: Record<string, unknown>) => viaFaultyRole("/v1/licenses/verify", { body });
const validate = (body: Record<string, unknown>) => viaFaultyRole("/v1/licenses/validate", { body });

let t: TestTenant;
let keys: { steady: string; brief: string; suspended: string; hardware: string; never: string };
/** Licenses seen valid, then changed by the seller before the outage: each change must end their degraded answers. */
let changed: Record<"expired" | "graceless" | "released" | "rebound" | "reissued", { key: string; id: string; policyId: string }>;

async function license(policy: Record<string, unknown>): Promise<string> {
  return (await licenseWithIds(policy)).key;
}

async function licenseWithIds(policy: Record<string, unknown>) {
  const p = await json(await call("/v1/policies", { token: t.apiKey, body: { name: "outage", ...policy } }));
  const created = await json(await call("/v1/licenses", { token: t.apiKey, body: { policy_id: p.id, plan: "pro" } }));
  expect(created.key).toMatch(/^lk_/);
  return { key: created.key as string, id: created.id as string, policyId: p.id as string };
}

/** An admin change, waiting for its work after the response (the edge learns of it then). */
const admin = (path: string, method: string, body?: unknown) => callWithEnv({}, path, { token: t.apiKey, method, body });

beforeAll(async () => {
  t = await createTenant("outage seller");
  keys = {
    steady: await license({}),
    brief: await license({ degraded_grace_s: 60 }),
    suspended: await license({}),
    hardware: await license({ binding_mode: "hardware", max_activations: 1 }),
    never: await license({ degraded_grace_s: 0 }),
  };
  expect((await viaFaultyRole("/v1/licenses/activate", { body: { license_key: keys.hardware, fingerprint: "laptop-1" } })).status).toBe(201);
  // Live answers while the database is up: each leaves a snapshot at the edge.
  for (const key of [keys.steady, keys.brief, keys.suspended, keys.never]) expect((await json(await verify({ license_key: key }))).code).toBe("VALID");
  expect((await json(await viaFaultyRole("/v1/licenses/validate-hardware", { body: { license_key: keys.hardware, hwuid: "laptop-1" } }))).code).toBe("VALID");
  // Suspended before the outage: Postgres and the KV edge cache both know.
  const licenses = await json(await call("/v1/licenses?q=pro&limit=100", { token: t.apiKey }));
  const suspendedId = licenses.data.find((l: { key_prefix: string }) => keys.suspended.startsWith(l.key_prefix)).id;
  expect((await call(`/v1/licenses/${suspendedId}/suspend`, { token: t.apiKey, body: {} })).status).toBe(200);

  // Seen valid, then changed: an expiry moved into the past, a policy's grace set to 0, the device
  // released by the seller, a policy's binding changed, the key reissued (the old key is dead).
  changed = {
    expired: await licenseWithIds({}),
    graceless: await licenseWithIds({}),
    released: await licenseWithIds({ binding_mode: "hardware" }),
    rebound: await licenseWithIds({}),
    reissued: await licenseWithIds({}),
  };
  expect((await viaFaultyRole("/v1/licenses/activate", { body: { license_key: changed.released.key, fingerprint: "desk" } })).status).toBe(201);
  for (const { key } of [changed.expired, changed.graceless, changed.rebound, changed.reissued])
    expect((await json(await verify({ license_key: key }))).code).toBe("VALID");
  const hw = await json(await viaFaultyRole("/v1/licenses/validate-hardware", { body: { license_key: changed.released.key, hwuid: "desk" } }));
  expect(hw.code).toBe("VALID");
  expect((await admin(`/v1/licenses/${changed.expired.id}`, "PATCH", { expires_at: new Date(Date.now() + 2_000).toISOString() })).status).toBe(200);
  expect((await admin(`/v1/policies/${changed.graceless.policyId}`, "PATCH", { degraded_grace_s: 0 })).status).toBe(200);
  expect((await admin(`/v1/licenses/${changed.released.id}/activations`, "DELETE")).status).toBe(200);
  expect((await admin(`/v1/policies/${changed.rebound.policyId}`, "PATCH", { binding_mode: "ip" })).status).toBe(200);
  expect((await admin(`/v1/licenses/${changed.reissued.id}/reissue-key`, "POST")).status).toBe(200);
}, 60_000);

afterEach(() => vi.useRealTimers());
afterAll(() => setFaults({ mode: "none" }));

describe("the relay's fault switch, short of an outage", () => {
  it("refuses a bad setting (400) and shows the current one", async () => {
    const res = await fetch(`http://${env.DB_RELAY_URL}/__faults`, { method: "POST", body: JSON.stringify({ mode: "melt" }) });
    expect(res.status).toBe(400);
    expect(await setFaults({ mode: "delay", delay_ms: 200 })).toEqual({ mode: "delay", delay_ms: 200, every: 0, user: "license_faults" });
  });

  it("a slow database inside the deadline still answers live", async () => {
    await setFaults({ mode: "delay", delay_ms: 200 });
    const body = await json(await validate({ license_key: keys.never }));
    expect({ code: body.code, degraded: body.degraded }).toEqual({ code: "VALID", degraded: undefined });
  });

  it("one failing query in two is a 503 for that request only (the breaker wants consecutive failures)", async () => {
    await setFaults({ mode: "fail_every", every: 2 });
    expect((await json(await validate({ license_key: keys.never }))).code).toBe("VALID");
    await expectError(await validate({ license_key: keys.never }), 503, "SERVICE_UNAVAILABLE");
    expect((await json(await validate({ license_key: keys.never }))).code).toBe("VALID");
  });

  it("refused connections are an immediate 503 with Retry-After", async () => {
    await setFaults({ mode: "refuse" });
    const res = await validate({ license_key: keys.never });
    expect(res.headers.get("Retry-After")).toBe("5");
    await expectError(res, 503, "SERVICE_UNAVAILABLE");
    await setFaults({ mode: "none" });
    expect((await json(await validate({ license_key: keys.never }))).code).toBe("VALID");
  });
});

describe("while Postgres hangs", () => {
  beforeAll(() => setFaults({ mode: "hang" }));

  it("a license verified within its grace is valid, degraded, with a short token that verifies", async () => {
    const res = await verify({ license_key: keys.steady });
    expect(res.status).toBe(200);
    expect(res.headers.get("License-Degraded")).toBe("true");
    const body = await json(res);
    expect({ valid: body.valid, code: body.code, degraded: body.degraded }).toEqual({ valid: true, code: "VALID", degraded: true });
    const jwks = await json(await call("/v1/licenses/jwks"));
    const claims = await verifyLicenseJwt(body.license_token, createLocalJWKSet(jwks), { issuer: "https://license.test" });
    expect(claims.degraded).toBe(true);
    expect(claims.exp - claims.iat).toBe(15 * 60);
    expect(new Date(body.license_token_expires_at).getTime()).toBe(claims.exp * 1000);
    // validate answers from the same snapshot.
    const validated = await validate({ license_key: keys.steady });
    expect(validated.headers.get("License-Degraded")).toBe("true");
    expect(await json(validated)).toMatchObject({ valid: true, code: "VALID", degraded: true });
  });

  it("a device-bound license answers validate-hardware for its own device only", async () => {
    const own = await viaFaultyRole("/v1/licenses/validate-hardware", { body: { license_key: keys.hardware, hwuid: "laptop-1" } });
    const body = await json(own);
    expect({ status: own.status, valid: body.valid, degraded: body.degraded }).toEqual({ status: 200, valid: true, degraded: true });
    const claims = JSON.parse(atob(body.license_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    expect({ hw_bound: claims.hw_bound, degraded: claims.degraded }).toEqual({ hw_bound: true, degraded: true });
    // Another device was never seen valid: the edge cannot vouch for it.
    await expectError(
      await viaFaultyRole("/v1/licenses/validate-hardware", { body: { license_key: keys.hardware, hwuid: "laptop-2" } }),
      503,
      "SERVICE_UNAVAILABLE",
    );
  });

  it("past its policy's grace, the same kind of license is a 503, and its token never outlives the grace", async () => {
    const within = await json(await verify({ license_key: keys.brief }));
    expect(within.degraded).toBe(true);
    const claims = JSON.parse(atob(within.license_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    // A 60 s grace: the token ends with it (the snapshot is a few seconds old), well short of 15 min.
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(60);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000);
    const res = await verify({ license_key: keys.brief });
    expect(res.headers.get("Retry-After")).toBe("5");
    await expectError(res, 503, "SERVICE_UNAVAILABLE");
  });

  it("a license changed after its snapshot is a 503, never the older, more permissive answer", async () => {
    // The moved expiry is a few seconds ahead: a snapshot judged again as of now would still pass it.
    const attempts = {
      expired: verify({ license_key: changed.expired.key }),
      graceless: verify({ license_key: changed.graceless.key }),
      released: viaFaultyRole("/v1/licenses/validate-hardware", { body: { license_key: changed.released.key, hwuid: "desk" } }),
      rebound: verify({ license_key: changed.rebound.key }),
      reissued: verify({ license_key: changed.reissued.key }),
    };
    const statuses = Object.fromEntries(await Promise.all(Object.entries(attempts).map(async ([name, res]) => [name, (await res).status])));
    expect(statuses).toEqual({ expired: 503, graceless: 503, released: 503, rebound: 503, reissued: 503 });
  });

  it("an unknown key, a license suspended before the outage, and a policy with no grace are 503: never valid, never a false lock-out", async () => {
    await expectError(await validate({ license_key: `lk_${"Q".repeat(40)}` }), 503, "SERVICE_UNAVAILABLE");
    await expectError(await verify({ license_key: keys.never }), 503, "SERVICE_UNAVAILABLE");
    for (const path of ["/v1/licenses/validate", "/v1/licenses/verify"]) {
      const res = await viaFaultyRole(path, { body: { license_key: keys.suspended } });
      await expectError(res, 503, "SERVICE_UNAVAILABLE");
    }
  });

  it("writes, introspection and the admin API are 503 with Retry-After", async () => {
    const live = await json(await call("/v1/licenses/verify", { body: { license_key: keys.steady } }));
    const attempts = [
      viaFaultyRole("/v1/licenses/activate", { body: { license_key: keys.steady, fingerprint: "new-device" } }),
      viaFaultyRole("/v1/licenses/heartbeat", { body: { license_key: keys.hardware, fingerprint: "laptop-1" } }),
      viaFaultyRole("/v1/licenses/deactivate", { body: { license_key: keys.hardware, fingerprint: "laptop-1" } }),
      viaFaultyRole("/v1/licenses/introspect", { token: t.apiKey, body: { token: live.license_token } }),
      viaFaultyRole("/v1/licenses", { token: t.apiKey }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.headers.get("Retry-After")).toBe("5");
      await expectError(res, 503, "SERVICE_UNAVAILABLE");
    }
  });

  it("readyz says degraded, and the open breaker answers at once rather than waiting on the database", async () => {
    const res = await viaFaultyRole("/readyz");
    const error = await expectError(res, 503, "SERVICE_UNAVAILABLE");
    expect(error.details).toEqual({ status: "degraded", database: "circuit_open", kv: "ok" });
  });
});

describe("when Postgres is back", () => {
  it("the breaker probes after its cool-down and answers are live again", async () => {
    await setFaults({ mode: "none" });
    // Past any cool-down the failures above started (one of them ran a minute ahead, under fake time).
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000 + BREAKER_COOL_DOWN_MS + 1);
    const res = await verify({ license_key: keys.steady });
    expect(res.status).toBe(200);
    expect(res.headers.get("License-Degraded")).toBeNull();
    const body = await json(res);
    expect({ valid: body.valid, degraded: body.degraded }).toEqual({ valid: true, degraded: undefined });
    // The license suspended before the outage is suspended again, live.
    expect((await json(await verify({ license_key: keys.suspended }))).code).toBe("SUSPENDED");
    vi.useRealTimers();
    const ready = await viaFaultyRole("/readyz");
    expect(ready.status).toBe(200);
  });
});

describe("a policy's degraded_grace_s", () => {
  it("defaults to an hour and takes 0 to 7 days", async () => {
    const created = await json(await call("/v1/policies", { token: t.apiKey, body: { name: "grace default" } }));
    expect(created.degraded_grace_s).toBe(3600);
    for (const bad of [-1, 604_801, 1.5]) {
      await expectError(await call("/v1/policies", { token: t.apiKey, body: { name: "bad grace", degraded_grace_s: bad } }), 422, "VALIDATION_FAILED");
    }
    const changed = await call(`/v1/policies/${created.id}`, { token: t.apiKey, method: "PATCH", body: { degraded_grace_s: 604_800 } });
    expect((await json(changed)).degraded_grace_s).toBe(604_800);
  });
});
