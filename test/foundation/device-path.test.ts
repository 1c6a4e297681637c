// The device fast path (src/middleware/device-path.ts) against the full Hono stack, which stays
// the reference: for every device operation, the same request through both gives the same status,
// the same headers (but the request id) and the same body (but ids, times and signatures, which
// are new on every answer). And the fast path declines what it is not for, so the full stack
// answers those as it always did.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app, OPERATIONS } from "../../src/index";
import { devicePath } from "../../src/middleware/device-path";
import { BASE, buildRequest, type CallOptions, createTenant, seedLicense, type TestTenant } from "../harness";

const fast = devicePath(OPERATIONS);
let tenant: TestTenant;
let licenseKey: string;

beforeAll(async () => {
  tenant = await createTenant("Fast path seller");
  ({ licenseKey } = await seedLicense(tenant.tenantId, { maxActivations: 100 }));
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Fresh per answer: request ids, resource ids, times, tokens and signatures. */
const VOLATILE = [
  /req_[A-Za-z0-9]+/g,
  /\b(act|lse|evt)_[A-Za-z0-9]+/g,
  /\d{4}-\d\d-\d\dT[\d:.]+Z/g,
  /eyJ[\w-]*\.[\w-]*\.[\w-]*/g,
  /"(iat|exp|nbf)":\d+/g,
  /fp-device-\d/g,
];
const steady = (text: string) => VOLATILE.reduce((t, re) => t.replace(re, (m) => m.replace(/[\w-]/g, "x")), text);

async function answer(res: Response): Promise<Answer> {
  const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== "x-request-id"));
  const text = await res.text();
  return { status: res.status, headers, body: text ? JSON.parse(steady(text)) : null };
}

/** The request through the fast path (which must take it) and through the full stack; `options` may differ per path (0 fast, 1 full). */
async function both(path: string, options: CallOptions | ((path: 0 | 1) => CallOptions), bindings: Partial<Env> = {}): Promise<[Answer, Answer]> {
  const e = { ...env, ...bindings };
  const ctx = createExecutionContext();
  const of = (i: 0 | 1) => (typeof options === "function" ? options(i) : options);
  const served = fast(buildRequest(path, of(0)), e, ctx);
  expect(served, `the fast path declined ${path}`).toBeDefined();
  const viaFast = await answer(await served!);
  const viaFull = await answer(await app.fetch(buildRequest(path, of(1)), e, ctx));
  await waitOnExecutionContext(ctx);
  return [viaFast, viaFull];
}

const devices = OPERATIONS.filter((op) => op.audience === "device");
const pathOf = (path: string) => path.replace("{id}", "lse_0000000000000000000000");
const unknownKey = { license_key: "LIC-UNKNOWN-0000", fingerprint: "fp-fast-path", instance_id: "fast-1", device_id: "fast-1" };

describe("device operations on the fast path and on the full stack", () => {
  it("serves every device operation (11)", () => {
    const served = devices.filter((op) =>
      fast(
        new Request(`${BASE}${pathOf(op.path)}`, { method: op.method.toUpperCase(), headers: { "Content-Type": "application/json" } }),
        env,
        createExecutionContext(),
      ),
    );
    expect(served.map((op) => op.operationId).sort()).toEqual([
      "acquireLease",
      "activateDevice",
      "borrowLease",
      "checkoutMachineFile",
      "deactivateDevice",
      "heartbeatLease",
      "releaseLease",
      "sendHeartbeat",
      "validateLicense",
      "validateLicenseHardware",
      "verifyLicense",
    ]);
  });

  for (const op of devices) {
    const path = pathOf(op.path);
    const method = op.method.toUpperCase();
    describe(`${method} ${op.path} (${op.operationId})`, () => {
      it("answers malformed JSON, a schema failure and an unknown key alike", async () => {
        for (const options of [
          { rawBody: "{", headers: { "Content-Type": "application/json" } },
          { body: {} },
          { body: { ...unknownKey, license_key: 7 } },
          { body: unknownKey },
        ]) {
          const [viaFast, viaFull] = await both(path, { method, ...options });
          expect(viaFast).toEqual(viaFull);
        }
      });

      it("adds the CORS headers a browser reads when CORS_ORIGINS is set", async () => {
        const [viaFast, viaFull] = await both(path, { method, body: unknownKey }, { CORS_ORIGINS: "https://app.example" });
        expect(viaFast).toEqual(viaFull);
        expect(viaFast.headers.vary).toBe("Origin");
      });
    });
  }

  it("answers a valid license's validate, verify and activate (a new device each) alike", async () => {
    for (const [path, body] of [
      ["/v1/licenses/validate", () => ({ license_key: licenseKey })],
      ["/v1/licenses/verify", () => ({ license_key: licenseKey })],
      ["/v1/licenses/activate", (i: number) => ({ license_key: licenseKey, fingerprint: `fp-device-${i}` })],
    ] as const) {
      const [viaFast, viaFull] = await both(path, (i) => ({ body: body(i) }));
      expect(viaFast).toEqual(viaFull);
      expect(viaFast.status).toBeLessThan(300);
    }
  });

  it("answers a body over 16 KB with 413, declared or streamed, and reads a streamed body within it", async () => {
    const big = JSON.stringify({ license_key: licenseKey, pad: "x".repeat(17 * 1024) });
    const streamed = (text: string) => ({
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(text));
          c.close();
        },
      }),
      duplex: "half",
    });
    const make = [
      () =>
        new Request(`${BASE}/v1/licenses/validate`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Content-Length": String(big.length) },
          body: big,
        }),
      () => new Request(`${BASE}/v1/licenses/validate`, streamed(big) as RequestInit),
      () => new Request(`${BASE}/v1/licenses/validate`, streamed(JSON.stringify({ license_key: licenseKey })) as RequestInit),
      () => new Request(`${BASE}/v1/licenses/leases/%ZZ/heartbeat`, streamed(big) as RequestInit),
    ];
    const statuses: number[] = [];
    for (const request of make) {
      const ctx = createExecutionContext();
      const viaFast = await answer(await fast(request(), env, ctx)!);
      const viaFull = await answer(await app.fetch(request(), env, ctx));
      await waitOnExecutionContext(ctx);
      expect(viaFast).toEqual(viaFull);
      statuses.push(viaFast.status);
    }
    expect(statuses).toEqual([413, 413, 200, 413]);
  });

  it("keeps the client's X-Request-Id out of the answer, as the full stack does", async () => {
    const [viaFast, viaFull] = await both("/v1/licenses/validate", { body: { license_key: licenseKey }, headers: { "X-Request-Id": "client-123" } });
    expect(viaFast).toEqual(viaFull);
  });
});

describe("what the fast path leaves to the full stack", () => {
  const request = (init: RequestInit & { cf?: unknown }) => new Request(`${BASE}/v1/licenses/validate`, { method: "POST", ...init } as RequestInit);
  const body = JSON.stringify({ license_key: "LIC-X" });
  const ctx = createExecutionContext();

  it("a browser's Origin when CORS_ORIGINS is set (the preflight and CORS headers are Hono's)", () => {
    const req = request({ body, headers: { "Content-Type": "application/json", Origin: "https://app.example" } });
    expect(fast(req, { ...env, CORS_ORIGINS: "https://app.example" }, ctx)).toBeUndefined();
  });

  it("other media types, TLS below 1.2", () => {
    for (const req of [
      request({ body, headers: { "Content-Type": "text/plain" } }),
      request({ body, headers: { "Content-Type": "application/json; charset=latin1" } }),
      request({ body, headers: { "Content-Type": "application/json" }, cf: { tlsVersion: "TLSv1.1" } }),
    ]) {
      expect(fast(req, env, ctx)).toBeUndefined();
    }
  });

  it("paths and methods that are not device operations", () => {
    for (const [method, path] of [
      ["GET", "/v1/licenses/validate"],
      ["POST", "/v1/licenses/introspect"],
      ["POST", "/v1/licenses/leases/lse_1/unknown"],
      ["GET", "/v1/licenses/jwks"],
    ]) {
      expect(fast(new Request(`${BASE}${path}`, { method }), env, ctx)).toBeUndefined();
    }
  });
});
