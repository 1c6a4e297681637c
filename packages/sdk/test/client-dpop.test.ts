// The client with a device key (DPoP, RFC 9449): every device request carries a proof made for
// that one attempt, and each proof is checked here by the service's own verifier
// (src/crypto/dpop.ts) against the request as it was sent: method, exact URL, a `jti` never used
// before. The network is scripted; the service behind it is in test/e2e/sdk-runtimes.
import {
  createDeviceKey,
  createLicenseClient,
  deviceKeyThumbprint,
  type LicenseClientError,
  loadOrCreateDeviceKey,
  memoryKeyStore,
  RequestRefused,
} from "@edge-license/sdk";
import { describe, expect, it } from "vitest";
import { verifyDpopProof } from "../../../src/crypto/dpop";

const BASE = "https://license.test";
const KEY = `lk_${"1".repeat(40)}`;
const nowS = () => Math.floor(Date.now() / 1000);

interface Seen {
  method: string;
  url: string;
  dpop: string | null;
}

/** A network that records each request and answers from `answer` (by path), 200 `{}` by default. */
function recording(answer: (path: string, turn: number) => Response = () => Response.json({})) {
  const seen: Seen[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ method: req.method, url: req.url, dpop: req.headers.get("DPoP") });
    return answer(new URL(req.url).pathname, seen.length);
  }) as typeof globalThis.fetch;
  return { seen, fetch };
}

/** What the service's verifier says of a request's proof, checked against that very request. */
const serverCheck = (s: Seen) => verifyDpopProof(s.dpop ?? "", { htm: s.method, htu: s.url, now: nowS() });

const lease = {
  lease: {
    id: "lse_1",
    license_id: "lic_1",
    instance_id: "i-1",
    user: null,
    expires_at: new Date(Date.now() + 600_000).toISOString(),
    last_heartbeat_at: new Date().toISOString(),
    borrowed_until: null,
    released_at: null,
    created_at: new Date().toISOString(),
  },
  license_token: "eyJ.lease.token",
  license_token_expires_at: new Date(Date.now() + 600_000).toISOString(),
};

describe("createLicenseClient({ deviceKey })", () => {
  it("sends on every device route a proof the service accepts: this key, this method, this URL", async () => {
    const key = await createDeviceKey();
    const net = recording((path) => (path.startsWith("/v1/licenses/leases") ? Response.json(lease) : Response.json({})));
    const client = createLicenseClient({ baseUrl: `${BASE}/`, fetch: net.fetch, deviceKey: key });
    const device = { licenseKey: KEY, fingerprint: "machine-1" };
    await client.validate(device);
    await client.verify(device);
    await client.activate({ ...device, name: "laptop" });
    await client.heartbeat(device);
    await client.checkout({ ...device, ttlS: 3600 });
    await client.deactivate(device);
    const seat = await client.lease({ ...device, instanceId: "i-1", autoHeartbeat: false, releaseOnExit: false });
    await seat.heartbeat();
    await seat.release();

    expect(net.seen.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual([
      "POST /v1/licenses/validate",
      "POST /v1/licenses/verify",
      "POST /v1/licenses/activate",
      "POST /v1/licenses/heartbeat",
      "POST /v1/licenses/checkout",
      "POST /v1/licenses/deactivate",
      "POST /v1/licenses/leases",
      "POST /v1/licenses/leases/lse_1/heartbeat",
      "DELETE /v1/licenses/leases/lse_1",
    ]);
    const jkt = await deviceKeyThumbprint(key);
    for (const s of net.seen) expect({ url: s.url, check: await serverCheck(s) }).toEqual({ url: s.url, check: expect.objectContaining({ ok: true, jkt }) });
    const jtis = await Promise.all(net.seen.map(async (s) => ((await serverCheck(s)) as { jti: string }).jti));
    expect(new Set(jtis).size).toBe(net.seen.length);
  });

  it("makes a new proof for each attempt: a retry never replays the refused attempt's jti", async () => {
    const key = await loadOrCreateDeviceKey(memoryKeyStore(), { alg: "EdDSA" });
    const net = recording((_path, turn) =>
      turn < 3
        ? Response.json({ error: { code: "SERVICE_UNAVAILABLE", message: "down" } }, { status: 503, headers: { "Retry-After": "0" } })
        : Response.json({}),
    );
    await createLicenseClient({ baseUrl: BASE, fetch: net.fetch, retries: 2, deviceKey: key }).verify({ licenseKey: KEY, fingerprint: "m" });
    const checks = await Promise.all(net.seen.map(serverCheck));
    expect(checks.map((c) => c.ok)).toEqual([true, true, true]);
    expect(new Set(checks.map((c) => (c as { jti: string }).jti)).size).toBe(3);
  });

  it("leaves the proof's htu without the query, and a proof for one route is refused on another", async () => {
    const key = await createDeviceKey();
    const net = recording();
    await createLicenseClient({ baseUrl: BASE, fetch: net.fetch, deviceKey: key }).validate({ licenseKey: KEY });
    const [sent] = net.seen;
    expect(await serverCheck({ ...sent!, url: `${sent!.url}?x=1` })).toMatchObject({ ok: true });
    expect(await serverCheck({ ...sent!, url: `${BASE}/v1/licenses/verify` })).toMatchObject({ ok: false, code: "DPOP_URL_MISMATCH" });
    expect(await serverCheck({ ...sent!, method: "DELETE" })).toMatchObject({ ok: false, code: "DPOP_METHOD_MISMATCH" });
  });

  it("sends no proof without a key, nor with introspect (the seller's call, not the device's)", async () => {
    const net = recording(() => Response.json({ active: true }));
    await createLicenseClient({ baseUrl: BASE, fetch: net.fetch }).validate({ licenseKey: KEY });
    await createLicenseClient({ baseUrl: BASE, fetch: net.fetch, apiKey: "sk_test", deviceKey: await createDeviceKey() }).introspect("eyJ.a.b");
    expect(net.seen.map((s) => s.dpop)).toEqual([null, null]);
  });

  it("surfaces the service's DPoP refusal (401) as a RequestRefused with its code, not retried", async () => {
    const net = recording(() =>
      Response.json(
        { error: { code: "DPOP_KEY_MISMATCH", message: "The activation is bound to another device key.", request_id: "req_1" } },
        { status: 401, headers: { "WWW-Authenticate": 'DPoP error="invalid_dpop_proof", algs="ES256 EdDSA"' } },
      ),
    );
    const client = createLicenseClient({ baseUrl: BASE, fetch: net.fetch, retries: 3, deviceKey: await createDeviceKey() });
    const err = (await client.verify({ licenseKey: KEY, fingerprint: "m" }).catch((e: unknown) => e)) as LicenseClientError;
    expect({ refused: err instanceof RequestRefused, code: err.code, status: err.status, requestId: err.requestId, attempts: net.seen.length }).toEqual({
      refused: true,
      code: "DPOP_KEY_MISMATCH",
      status: 401,
      requestId: "req_1",
      attempts: 1,
    });
  });
});
