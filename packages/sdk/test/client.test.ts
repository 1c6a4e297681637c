// The SDK's LicenseClient on its own, with a scripted network and no service behind it: which
// failures it retries and for how long (`retries`, `Retry-After`, `maxRetryDelayMs`), and the typed
// error each failure becomes. The client against the real worker is in test/sdk-integration.
import { createLicenseClient, type LicenseClientError, NetworkError, RateLimited, RequestTimeout, SDK_VERSION, ServiceUnavailable } from "@edge-license/sdk";
import { describe, expect, it } from "vitest";
import pkg from "../package.json";

const BASE = "https://license.test";

/** Answers scripted in turn; a call past the script fails the test. */
function scripted(...answers: Array<() => Response | Promise<Response>>) {
  const calls: string[] = [];
  let turn = 0;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const next = answers[turn++];
    if (!next) throw new Error(`unscripted call: ${new Request(input, init).url}`);
    calls.push("scripted");
    return next();
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
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

describe("createLicenseClient", () => {
  it("gives up at once when Retry-After asks for longer than maxRetryDelayMs", async () => {
    const net = scripted(envelope(429, "RATE_LIMITED", { "Retry-After": "120" }));
    const client = createLicenseClient({ baseUrl: BASE, fetch: net.fetch, retries: 5, maxRetryDelayMs: 30_000 });
    const err = await rejection(client.validate({ licenseKey: "lk_whatever" }));
    expect(err).toBeInstanceOf(RateLimited);
    expect({ code: err.code, status: err.status, retryAfterS: err.retryAfterS, requestId: err.requestId }).toEqual({
      code: "RATE_LIMITED",
      status: 429,
      retryAfterS: 120,
      requestId: "req_scripted",
    });
    expect(net.calls).toEqual(["scripted"]);
  });

  it("stops after `retries` more attempts when the service stays unavailable", async () => {
    const unavailable = envelope(503, "SERVICE_UNAVAILABLE", { "Retry-After": "0" });
    const net = scripted(unavailable, unavailable, unavailable, unavailable);
    const client = createLicenseClient({ baseUrl: BASE, fetch: net.fetch, retries: 2 });
    const err = await rejection(client.verify({ licenseKey: "lk_whatever" }));
    expect(err).toBeInstanceOf(ServiceUnavailable);
    expect({ code: err.code, status: err.status, retryAfterS: err.retryAfterS }).toEqual({ code: "SERVICE_UNAVAILABLE", status: 503, retryAfterS: 0 });
    expect(net.calls).toEqual(["scripted", "scripted", "scripted"]);
  });

  it("reports a network failure as NetworkError and a silent service as RequestTimeout", async () => {
    let attempts = 0;
    const down = createLicenseClient({
      baseUrl: BASE,
      retries: 1,
      fetch: async () => {
        attempts++;
        throw new TypeError("fetch failed");
      },
    });
    const offline = await rejection(down.validate({ licenseKey: "lk_whatever" }));
    expect({ isNetwork: offline instanceof NetworkError, code: offline.code, status: offline.status, attempts }).toEqual({
      isNetwork: true,
      code: "ERR_NETWORK",
      status: 0,
      attempts: 2,
    });
    const silent = createLicenseClient({
      baseUrl: BASE,
      retries: 0,
      timeoutMs: 50,
      fetch: (_input, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))),
    });
    const timedOut = await rejection(silent.validate({ licenseKey: "lk_whatever" }));
    expect({ isTimeout: timedOut instanceof RequestTimeout, code: timedOut.code, static: RequestTimeout.code }).toEqual({
      isTimeout: true,
      code: "ERR_TIMEOUT",
      static: "ERR_TIMEOUT",
    });
  });
});

describe("the SDK's self-description", () => {
  it("sends X-Edge-License-SDK: js/<this package's version> with every request, and nothing about the device", async () => {
    expect(SDK_VERSION).toBe(pkg.version);
    const seen: Headers[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Request(input, init).headers);
      return Response.json({ valid: true, code: "VALID" });
    }) as typeof globalThis.fetch;
    await createLicenseClient({ baseUrl: BASE, fetch }).validate({ licenseKey: `lk_${"1".repeat(40)}` });
    expect(seen.map((h) => h.get("X-Edge-License-SDK"))).toEqual([`js/${pkg.version}`]);
  });
});
