// Device-bound licenses (DPoP, RFC 9449), through the worker and Postgres: a device activates with a
// proof of its key, and from then on every device route needs a fresh proof from that key; what is
// issued names the key in `cnf.jkt`. Each refusal is a 401 with its code and `WWW-Authenticate: DPoP`.
// Proofs are made here with jose, independently of the SDK (which has its own tests).

import { exports } from "cloudflare:workers";
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, buildRequest, createTenant, expectError, introspect, json, seedLicense, type TestTenant } from "../harness";

interface DeviceKey {
  alg: "ES256" | "EdDSA";
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

async function deviceKey(alg: "ES256" | "EdDSA" = "ES256"): Promise<DeviceKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, "sha256") };
}

/** A proof for `path` (POST unless said), with its claims changed as given. */
function proof(key: DeviceKey, path: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ jti: crypto.randomUUID(), htm: "POST", htu: `${BASE}${path}`, iat: Math.floor(Date.now() / 1000), ...claims })
    .setProtectedHeader({ typ: "dpop+jwt", alg: key.alg, jwk: key.jwk })
    .sign(key.privateKey);
}

/** POSTs `body` to a device route, with `dpop` as its DPoP header when given. */
async function post(path: string, body: unknown, dpop?: string | Promise<string>): Promise<Response> {
  const headers: Record<string, string> = {};
  if (dpop !== undefined) headers.DPoP = await dpop;
  return exports.default.fetch(buildRequest(path, { body, headers }));
}

/** A refusal of the proof: its code, and the RFC 9449 challenge. */
async function refused(res: Response, code: string) {
  expect(res.headers.get("WWW-Authenticate")).toBe('DPoP error="invalid_dpop_proof", algs="ES256 EdDSA"');
  await expectError(res, 401, code as never);
}

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("Device keys");
});

/** A license under `mode` with one device activated with `key`'s proof. */
async function activated(mode: "optional" | "required", key: DeviceKey, extra: Parameters<typeof seedLicense>[1] = {}) {
  const license = await seedLicense(tenant.tenantId, { proofOfPossession: mode, bindingMode: "hardware", ...extra });
  const device = { license_key: license.licenseKey, fingerprint: `fp-${crypto.randomUUID()}` };
  const res = await post("/v1/licenses/activate", device, proof(key, "/v1/licenses/activate"));
  expect(res.status).toBe(201);
  const body = await json(res);
  expect(body.activation.dpop_jkt).toBe(key.jkt);
  return { license, device, activation: body.activation };
}

describe("proof_of_possession required: the must-show cases", () => {
  let key: DeviceKey;
  let device: { license_key: string; fingerprint: string };
  beforeAll(async () => {
    key = await deviceKey();
    ({ device } = await activated("required", key));
  });

  it("verify with a proof from the activation's key: VALID, the token's cnf.jkt is the key's thumbprint", async () => {
    const res = await post("/v1/licenses/verify", device, proof(key, "/v1/licenses/verify"));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.code).toBe("VALID");
    const claims = decodeJwt(body.license_token);
    expect(claims.cnf).toEqual({ jkt: key.jkt });
    expect(claims.hw_bound).toBe(true);
  });

  it("EdDSA device keys work the same", async () => {
    const ed = await deviceKey("EdDSA");
    const { device: edDevice } = await activated("required", ed);
    const body = await json(await post("/v1/licenses/verify", edDevice, proof(ed, "/v1/licenses/verify")));
    expect(decodeJwt(body.license_token).cnf).toEqual({ jkt: ed.jkt });
  });

  it("a proof from another key: DPOP_KEY_MISMATCH", async () => {
    await refused(await post("/v1/licenses/verify", device, proof(await deviceKey(), "/v1/licenses/verify")), "DPOP_KEY_MISMATCH");
  });

  it("no proof: DPOP_PROOF_MISSING", async () => {
    await refused(await post("/v1/licenses/verify", device), "DPOP_PROOF_MISSING");
  });

  it("the same proof twice: the first VALID, the replay DPOP_PROOF_REPLAYED", async () => {
    const once = await proof(key, "/v1/licenses/verify");
    expect((await json(await post("/v1/licenses/verify", device, once))).code).toBe("VALID");
    await refused(await post("/v1/licenses/verify", device, once), "DPOP_PROOF_REPLAYED");
  });

  it("one proof sent by 6 requests at once: exactly one is answered", async () => {
    const once = await proof(key, "/v1/licenses/validate");
    const answers = await Promise.all(Array.from({ length: 6 }, () => post("/v1/licenses/validate", device, once)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
  });

  it("a proof made for another URL: DPOP_URL_MISMATCH", async () => {
    await refused(await post("/v1/licenses/verify", device, proof(key, "/v1/licenses/validate")), "DPOP_URL_MISMATCH");
    await refused(
      await post("/v1/licenses/verify", device, proof(key, "/v1/licenses/verify", { htu: "https://evil.test/v1/licenses/verify" })),
      "DPOP_URL_MISMATCH",
    );
  });

  it("a proof made for another method: DPOP_METHOD_MISMATCH", async () => {
    await refused(await post("/v1/licenses/verify", device, proof(key, "/v1/licenses/verify", { htm: "GET" })), "DPOP_METHOD_MISMATCH");
  });

  it("a proof made ten minutes ago: DPOP_PROOF_STALE", async () => {
    const old = proof(key, "/v1/licenses/verify", { iat: Math.floor(Date.now() / 1000) - 600 });
    const res = await post("/v1/licenses/verify", device, old);
    expect(res.headers.get("WWW-Authenticate")).toBe('DPoP error="invalid_dpop_proof", algs="ES256 EdDSA"');
    const error = await expectError(res, 401, "DPOP_PROOF_STALE");
    // The service's clock, for a device to correct its own (within the test's few seconds).
    expect(Math.abs((error.details as { server_time: number }).server_time - Date.now() / 1000)).toBeLessThan(120);
  });

  it("a malformed or forged proof: DPOP_PROOF_INVALID", async () => {
    await refused(await post("/v1/licenses/verify", device, "not.a.proof"), "DPOP_PROOF_INVALID");
    const real = await proof(key, "/v1/licenses/verify");
    const [h, p] = real.split(".");
    const other = (await proof(await deviceKey(), "/v1/licenses/verify")).split(".")[2];
    await refused(await post("/v1/licenses/verify", device, `${h}.${p}.${other}`), "DPOP_PROOF_INVALID");
  });

  it("validate, validate-hardware, heartbeat and the public checkout each refuse without a proof and answer with one", async () => {
    const withHw = { license_key: device.license_key, hwuid: device.fingerprint };
    for (const [path, body] of [
      ["/v1/licenses/validate", device],
      ["/v1/licenses/validate-hardware", withHw],
      ["/v1/licenses/heartbeat", device],
      ["/v1/licenses/checkout", device],
    ] as const) {
      await refused(await post(path, body), "DPOP_PROOF_MISSING");
      const res = await post(path, body, proof(key, path));
      expect([200, 201], path).toContain(res.status);
    }
  });

  it("the machine file names the key; introspection returns cnf", async () => {
    const file = await json(await post("/v1/licenses/checkout", device, proof(key, "/v1/licenses/checkout")));
    const jws = (file.license_file as string).replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    expect(decodeJwt(jws).cnf).toEqual({ jkt: key.jkt });
    const { license_token } = await json(await post("/v1/licenses/verify", device, proof(key, "/v1/licenses/verify")));
    const answer = await introspect(tenant.apiKey, license_token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ active: true, cnf: { jkt: key.jkt } });
  });

  it("another key cannot take over the device by activating it again", async () => {
    await refused(await post("/v1/licenses/activate", device, proof(await deviceKey(), "/v1/licenses/activate")), "DPOP_KEY_MISMATCH");
    await refused(await post("/v1/licenses/activate", device), "DPOP_PROOF_MISSING");
    const again = await post("/v1/licenses/activate", device, proof(key, "/v1/licenses/activate"));
    expect(again.status).toBe(200);
  });

  it("a new device cannot activate without a proof", async () => {
    await refused(await post("/v1/licenses/activate", { ...device, fingerprint: "fp-no-key" }), "DPOP_PROOF_MISSING");
  });

  it("deactivate needs the key; then the seat is free and its token's device is gone", async () => {
    const k = await deviceKey();
    const { device: d } = await activated("required", k);
    await refused(await post("/v1/licenses/deactivate", d, proof(await deviceKey(), "/v1/licenses/deactivate")), "DPOP_KEY_MISMATCH");
    expect((await post("/v1/licenses/deactivate", d, proof(k, "/v1/licenses/deactivate"))).status).toBe(200);
    expect((await json(await post("/v1/licenses/validate", d, proof(k, "/v1/licenses/validate")))).code).toBe("NOT_ACTIVATED");
  });
});

describe("proof_of_possession optional", () => {
  it("a device activated without a proof works without one, and its tokens name no key", async () => {
    const license = await seedLicense(tenant.tenantId, { proofOfPossession: "optional", bindingMode: "hardware" });
    const device = { license_key: license.licenseKey, fingerprint: "fp-plain" };
    const act = await json(await post("/v1/licenses/activate", device));
    expect(act.activation.dpop_jkt).toBeNull();
    const body = await json(await post("/v1/licenses/verify", device));
    expect(body.code).toBe("VALID");
    expect(decodeJwt(body.license_token).cnf).toBeUndefined();
  });

  it("a device activated with a proof needs one from then on (no downgrade to bearer)", async () => {
    const key = await deviceKey();
    const { device } = await activated("optional", key);
    await refused(await post("/v1/licenses/verify", device), "DPOP_PROOF_MISSING");
    const body = await json(await post("/v1/licenses/verify", device, proof(key, "/v1/licenses/verify")));
    expect(decodeJwt(body.license_token).cnf).toEqual({ jkt: key.jkt });
  });
});

describe("proof_of_possession none", () => {
  it("proofs are ignored: nothing is bound, tokens name no key", async () => {
    const key = await deviceKey();
    const license = await seedLicense(tenant.tenantId, { bindingMode: "hardware" });
    const device = { license_key: license.licenseKey, fingerprint: "fp-none" };
    const act = await json(await post("/v1/licenses/activate", device, proof(key, "/v1/licenses/activate")));
    expect(act.activation.dpop_jkt).toBeNull();
    const body = await json(await post("/v1/licenses/verify", device, "garbage"));
    expect(body.code).toBe("VALID");
    expect(decodeJwt(body.license_token).cnf).toBeUndefined();
  });
});

describe("floating seats of a key-bound device", () => {
  it("a lease needs the device's proof, and its token names the key", async () => {
    const key = await deviceKey();
    const { device } = await activated("required", key, { leaseMode: "per_license" });
    const body = { ...device, instance_id: "proc-1" };
    await refused(await post("/v1/licenses/leases", body), "DPOP_PROOF_MISSING");
    await refused(await post("/v1/licenses/leases", body, proof(await deviceKey(), "/v1/licenses/leases")), "DPOP_KEY_MISMATCH");
    const res = await post("/v1/licenses/leases", body, proof(key, "/v1/licenses/leases"));
    expect(res.status).toBe(201);
    const grant = await json(res);
    expect(decodeJwt(grant.token ?? grant.license_token).cnf).toEqual({ jkt: key.jkt });
  });
});
