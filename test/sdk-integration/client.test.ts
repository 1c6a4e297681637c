// The SDK's LicenseClient and offline-first helper against the worker (its real fetch handler, on
// the test Postgres): the API's answers and error envelope as typed errors, a retried 503 that then
// reaches the service, leases, and the kept token used only while the service is out of reach. The
// client's retry limits and error types with no service behind it: packages/sdk/test/client.test.ts.
import { exports } from "cloudflare:workers";
import { createLicenseClient, createLicenseVerifier, createOfflineLicense, LicenseClientError, memoryTokenStore, RequestRefused } from "@edge-license/sdk";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { BASE, createTenant, seedLicense, setLicenseState, type TestTenant } from "../harness";

/** The worker as the network: every call counted. */
function worker() {
  const calls: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    calls.push(new URL(request.url).pathname);
    return exports.default.fetch(request);
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

/** Answers scripted in turn, then the worker. */
function scripted(...answers: Array<() => Response | Promise<Response>>) {
  const real = worker();
  let turn = 0;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const next = answers[turn++];
    if (!next) return real.fetch(input, init);
    real.calls.push("scripted");
    return next();
  };
  return { calls: real.calls, fetch: fetch as typeof globalThis.fetch };
}

const envelope =
  (status: number, code: string, headers: Record<string, string> = {}) =>
  () =>
    Response.json({ error: { code, message: `said ${code}`, request_id: "req_scripted" } }, { status, headers });

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err as LicenseClientError,
  );

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("SDK client");
});

describe("createLicenseClient", () => {
  it("answers validate and verify as the service does, and the verify token checks out", async () => {
    const license = await seedLicense(tenant.tenantId, { plan: "pro", features: ["export"] });
    const net = worker();
    const client = createLicenseClient({ baseUrl: `${BASE}/`, fetch: net.fetch });
    const validated = await client.validate({ licenseKey: license.licenseKey });
    expect({ valid: validated.valid, code: validated.code, plan: validated.license?.plan }).toEqual({ valid: true, code: "VALID", plan: "pro" });
    const verified = await client.verify({ licenseKey: license.licenseKey });
    const verifier = createLicenseVerifier({ issuer: BASE, jwksUri: `${BASE}/v1/licenses/jwks`, audience: license.applicationId!, fetch: net.fetch });
    expect((await verifier.verify(verified.license_token!)).sub).toBe(license.licenseId);
    expect(net.calls).toEqual(["/v1/licenses/validate", "/v1/licenses/verify", "/v1/licenses/jwks"]);
  });

  it("turns a refusal into RequestRefused with the envelope's code and request id, without retrying", async () => {
    const net = worker();
    const client = createLicenseClient({ baseUrl: BASE, fetch: net.fetch, retries: 3 });
    const err = await rejection(client.activate({ licenseKey: "lk_not_a_key", fingerprint: "" }));
    expect(err).toBeInstanceOf(RequestRefused);
    expect(err).toBeInstanceOf(LicenseClientError);
    expect({ code: err.code, status: err.status, requestId: typeof err.requestId, retryAfterS: err.retryAfterS }).toEqual({
      code: "VALIDATION_FAILED",
      status: 422,
      requestId: "string",
      retryAfterS: null,
    });
    expect(net.calls).toEqual(["/v1/licenses/activate"]);
  });

  it("retries a 503 after its Retry-After and then answers", async () => {
    const license = await seedLicense(tenant.tenantId);
    const net = scripted(envelope(503, "SERVICE_UNAVAILABLE", { "Retry-After": "1" }));
    const client = createLicenseClient({ baseUrl: BASE, fetch: net.fetch, retries: 1 });
    expect((await client.validate({ licenseKey: license.licenseKey })).code).toBe("VALID");
    expect(net.calls).toEqual(["scripted", "/v1/licenses/validate"]);
  });

  it("introspects with an API key, and refuses to without one", async () => {
    const license = await seedLicense(tenant.tenantId);
    const net = worker();
    const seller = createLicenseClient({ baseUrl: BASE, fetch: net.fetch, apiKey: tenant.apiKey });
    const { license_token: token } = await seller.verify({ licenseKey: license.licenseKey });
    const answer = await seller.introspect(token!);
    expect({ active: answer.active, sub: answer.sub, status: answer.status }).toEqual({ active: true, sub: license.licenseId, status: "active" });
    const anonymous = createLicenseClient({ baseUrl: BASE, fetch: net.fetch });
    await expect(anonymous.introspect(token!)).rejects.toThrow("introspect() needs `apiKey` (server-side only).");
  });
});

describe("client.lease", () => {
  const floatingLicense = async (maxLeases: number) => {
    const app = await (
      await exports.default.fetch(
        new Request(`${BASE}/v1/applications`, {
          method: "POST",
          headers: { Authorization: `Bearer ${tenant.apiKey}`, "Content-Type": "application/json" },
          body: JSON.stringify({ name: "Studio" }),
        }),
      )
    ).json<{ id: string }>();
    const policy = await (
      await exports.default.fetch(
        new Request(`${BASE}/v1/policies`, {
          method: "POST",
          headers: { Authorization: `Bearer ${tenant.apiKey}`, "Content-Type": "application/json" },
          body: JSON.stringify({ name: "Floating", application_id: app.id, lease_mode: "per_license", max_leases: maxLeases }),
        }),
      )
    ).json<{ id: string }>();
    return (
      await exports.default.fetch(
        new Request(`${BASE}/v1/licenses`, {
          method: "POST",
          headers: { Authorization: `Bearer ${tenant.apiKey}`, "Content-Type": "application/json" },
          body: JSON.stringify({ policy_id: policy.id }),
        }),
      )
    ).json<{ id: string; key: string }>();
  };

  it("takes a seat, heartbeats (a new token each time), and releases it", async () => {
    const license = await floatingLicense(1);
    const net = worker();
    const client = createLicenseClient({ baseUrl: BASE, fetch: net.fetch });
    const tokens: string[] = [];
    const seat = await client.lease({
      licenseKey: license.key,
      instanceId: "cad-1",
      autoHeartbeat: false,
      releaseOnExit: false,
      onToken: (g) => tokens.push(g.license_token),
    });
    const first = seat.current.lease.id;
    await seat.heartbeat();
    expect({ same: seat.current.lease.id === first, tokens: tokens.length }).toEqual({ same: true, tokens: 2 });
    const full = await rejection(client.lease({ licenseKey: license.key, instanceId: "cad-2", autoHeartbeat: false, releaseOnExit: false }));
    expect({ refused: full instanceof RequestRefused, code: full.code, retryAfterS: full.retryAfterS }).toEqual({
      refused: true,
      code: "NO_LEASES_AVAILABLE",
      retryAfterS: 600,
    });
    await seat.release();
    await seat.release();
    const next = await client.lease({ licenseKey: license.key, instanceId: "cad-2", autoHeartbeat: false, releaseOnExit: false });
    expect(next.current.lease.instance_id).toBe("cad-2");
    expect(net.calls.filter((c) => c.startsWith("/v1/licenses/leases/")).length).toBe(2);
  });

  it("heartbeats in the background (here every 200 ms), and tells onLost when the lease is gone", async () => {
    const license = await floatingLicense(1);
    const net = worker();
    const lost: unknown[] = [];
    const seat = await createLicenseClient({ baseUrl: BASE, fetch: net.fetch }).lease({
      licenseKey: license.key,
      instanceId: "auto",
      releaseOnExit: false,
      heartbeatIntervalMs: 200,
      onLost: (err) => lost.push((err as { code?: string }).code),
    });
    const first = seat.current.license_token;
    await vi.waitFor(() => expect(net.calls.filter((c) => c.endsWith("/heartbeat")).length >= 1).toBe(true), { timeout: 5_000 });
    await vi.waitFor(() => expect(seat.current.license_token === first).toBe(false), { timeout: 5_000 });
    // An admin frees the seat: the next heartbeat finds it gone, and the seat stops beating.
    await exports.default.fetch(
      new Request(`${BASE}/v1/licenses/${license.id}/leases/${seat.current.lease.id}`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${tenant.apiKey}` },
      }),
    );
    await vi.waitFor(() => expect(lost).toEqual(["LEASE_EXPIRED"]), { timeout: 5_000 });
    const beats = net.calls.filter((c) => c.endsWith("/heartbeat")).length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(net.calls.filter((c) => c.endsWith("/heartbeat")).length).toBe(beats);
  });

  it("releases the seat when the page goes away (pagehide), with a request that may outlive the page", async () => {
    const license = await floatingLicense(1);
    // Workers' RequestInit has no `keepalive`: the browser's does, and that is what the SDK sends.
    const inits: (RequestInit & { keepalive?: boolean })[] = [];
    const real = worker();
    const fetch = ((input: RequestInfo | URL, init?: RequestInit & { keepalive?: boolean }) => {
      inits.push(init ?? {});
      const { keepalive: _keepalive, ...rest } = init ?? {};
      return real.fetch(input, rest);
    }) as typeof globalThis.fetch;
    await createLicenseClient({ baseUrl: BASE, fetch }).lease({ licenseKey: license.key, instanceId: "tab", autoHeartbeat: false });
    (globalThis as unknown as EventTarget).dispatchEvent(new Event("pagehide"));
    const leases = () =>
      exports.default.fetch(new Request(`${BASE}/v1/licenses/${license.id}/leases`, { headers: { Authorization: `Bearer ${tenant.apiKey}` } }));
    await vi.waitFor(async () => expect((await (await leases()).json<{ data: unknown[] }>()).data).toHaveLength(0), { timeout: 5_000 });
    expect(inits.map((i) => [i.method, i.keepalive === true])).toEqual([
      ["POST", false],
      ["DELETE", true],
    ]);
  });

  it("retries a 503 with the same Idempotency-Key, so the retry takes no second seat", async () => {
    const license = await floatingLicense(2);
    const keys: (string | null)[] = [];
    const real = worker();
    let first = true;
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      keys.push(request.headers.get("Idempotency-Key"));
      if (first) {
        first = false;
        // The seat was taken, but the answer was lost: the service's 503 after a commit.
        await real.fetch(request.clone());
        return Response.json({ error: { code: "SERVICE_UNAVAILABLE", message: "x", request_id: "r" } }, { status: 503, headers: { "Retry-After": "0" } });
      }
      return real.fetch(request);
    }) as typeof globalThis.fetch;
    const seat = await createLicenseClient({ baseUrl: BASE, fetch, retries: 1 }).lease({
      licenseKey: license.key,
      instanceId: "same",
      autoHeartbeat: false,
      releaseOnExit: false,
    });
    expect({ sameKey: keys.length === 2 && keys[0] !== null && keys[0] === keys[1], status: seat.current.lease.instance_id }).toEqual({
      sameKey: true,
      status: "same",
    });
    const leases = await (
      await exports.default.fetch(new Request(`${BASE}/v1/licenses/${license.id}/leases`, { headers: { Authorization: `Bearer ${tenant.apiKey}` } }))
    ).json<{ data: unknown[] }>();
    expect(leases.data).toHaveLength(1);
  });
});

describe("createOfflineLicense", () => {
  it("keeps the token, uses it only while the service is out of reach, and drops it when the service says not valid", async () => {
    const license = await seedLicense(tenant.tenantId, { bindingMode: "none" });
    const net = worker();
    let reachable = true;
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      reachable ? net.fetch(input, init) : Promise.reject(new TypeError("offline"))) as typeof globalThis.fetch;
    const store = memoryTokenStore();
    const verifier = createLicenseVerifier({
      issuer: BASE,
      jwks: await (await net.fetch(`${BASE}/v1/licenses/jwks`)).json(),
      audience: license.applicationId!,
    });
    const license$ = createOfflineLicense({
      client: createLicenseClient({ baseUrl: BASE, fetch, retries: 0 }),
      verifier,
      store,
      request: { licenseKey: license.licenseKey },
    });

    const online = await license$.check();
    expect({ valid: online.valid, source: online.source, kept: (await store.get()) !== null }).toEqual({ valid: true, source: "online", kept: true });

    reachable = false;
    const cached = await license$.check();
    expect({ valid: cached.valid, source: cached.source, sameToken: cached.valid && online.valid && cached.token === online.token }).toEqual({
      valid: true,
      source: "cached",
      sameToken: true,
    });

    reachable = true;
    await setLicenseState(license.licenseId, { status: "suspended" });
    const refused = await license$.check();
    expect(refused).toEqual({ valid: false, source: "online", code: "SUSPENDED", message: expect.any(String) });
    expect(await store.get()).toBe(null);

    reachable = false;
    const nothingKept = await license$.check();
    expect({ valid: nothingKept.valid, code: nothingKept.valid ? null : nothingKept.code }).toEqual({ valid: false, code: "UNREACHABLE_NO_VALID_TOKEN" });
  });
});
