// The verifiers given the device's key (RFC 9449 section 6, RFC 7800 `cnf.jkt`): a license token
// or machine file bound to this key passes; one bound to another key, or to none, is refused with
// a stable code; without the option nothing changes (a seller's server holds no device key). The
// artifacts are signed here in the service's formats with a test key; the service's own are
// checked across runtimes in test/e2e/sdk-runtimes.
import {
  armorLicenseFile,
  createDeviceKey,
  createLicenseClient,
  createLicenseVerifier,
  createOfflineLicense,
  DeviceKeyMismatch,
  deviceKeyThumbprint,
  devicePublicJwk,
  FileDeviceKeyMismatch,
  FileWrongMachine,
  LICENSE_FILE_TYP,
  LICENSE_TOKEN_TYP,
  LicenseFileError,
  LicenseTokenError,
  memoryTokenStore,
  verifyLicenseFile,
} from "@edge-license/sdk";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";

const ISSUER = "https://license.test";
const APP = "app_1";
const FINGERPRINT = "machine-7f3a9c";

let signer: CryptoKey;
let jwks: { keys: JWK[] };
let device: CryptoKeyPair;
let other: CryptoKeyPair;
let jkt: string;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  signer = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" }] };
  [device, other] = await Promise.all([createDeviceKey(), createDeviceKey({ alg: "EdDSA" })]);
  jkt = await deviceKeyThumbprint(device);
});

const sha256Hex = async (text: string) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))), (b) => b.toString(16).padStart(2, "0")).join("");

/** A license token as verify answers it, with `cnf` as given (absent when undefined). */
async function token(cnf?: unknown): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    token_use: "licensechain_license_v1",
    lc_vt: "basic",
    status: "active",
    hw_bound: true,
    fingerprint_sha256: await sha256Hex(FINGERPRINT),
    features: ["export"],
    ...(cnf === undefined ? {} : { cnf }),
  })
    .setProtectedHeader({ alg: "RS256", typ: LICENSE_TOKEN_TYP, kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience(APP)
    .setSubject("lic_1")
    .setJti(crypto.randomUUID())
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 900)
    .sign(signer);
}

/** A machine file for FINGERPRINT as checkout answers it, with `cnf` as given. */
async function machineFile(cnf?: unknown): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISSUER,
    sub: "lic_1",
    aud: APP,
    iat: now,
    nbf: now,
    exp: now + 86_400,
    jti: "lf_1",
    license_status: "active",
    plan: "pro",
    features: ["export"],
    policy: { id: "pol_1", name: "Node-locked", binding_mode: "hardware", max_activations: 2 },
    activation_id: "act_1",
    fingerprint_sha256: await sha256Hex(FINGERPRINT),
    ...(cnf === undefined ? {} : { cnf }),
  };
  return armorLicenseFile(await new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: LICENSE_FILE_TYP, kid: "k1" }).sign(signer));
}

/** The error `promise` rejects with (a resolution fails the test). */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value).slice(0, 200)}`);
    },
    (err: unknown) => err as { code: string; name: string; claim?: string },
  );

describe("verifier.verify(token, { deviceKey })", () => {
  const verifier = () => createLicenseVerifier({ issuer: ISSUER, jwks: jwks as never, audience: APP });

  it("accepts a token bound to this device's key, given as key pair, public JWK or thumbprint", async () => {
    const bound = await token({ jkt });
    for (const deviceKey of [device, await devicePublicJwk(device), jkt]) {
      expect((await verifier().verify(bound, { fingerprint: FINGERPRINT, deviceKey })).cnf).toEqual({ jkt });
    }
  });

  it("refuses a token bound to another key (same fingerprint), an unbound one, and a malformed cnf, with ERR_DEVICE_KEY_MISMATCH", async () => {
    const cases = [await token({ jkt }), await token(), await token({ jkt: "" }), await token({ "x5t#S256": "abc" })];
    const keys = [other, device, device, device];
    for (const [i, t] of cases.entries()) {
      const err = await refusal(verifier().verify(t, { fingerprint: FINGERPRINT, deviceKey: keys[i]! }));
      expect({ i, isClass: err instanceof DeviceKeyMismatch && err instanceof LicenseTokenError, code: err.code, claim: err.claim }).toEqual({
        i,
        isClass: true,
        code: "ERR_DEVICE_KEY_MISMATCH",
        claim: "cnf",
      });
    }
    expect(DeviceKeyMismatch.code).toBe("ERR_DEVICE_KEY_MISMATCH");
  });

  it("without deviceKey, accepts bound and unbound tokens alike (a seller's server has no device key)", async () => {
    expect((await verifier().verify(await token({ jkt }))).cnf).toEqual({ jkt });
    expect((await verifier().verify(await token())).cnf).toBeUndefined();
  });
});

describe("verifyLicenseFile(file, { deviceKey })", () => {
  const options = (extra: object = {}) => ({ jwks: jwks as never, audience: APP, issuer: ISSUER, fingerprint: FINGERPRINT, ...extra });

  it("accepts this device's machine file, and refuses the same file on a device with another key but the same fingerprint", async () => {
    const file = await machineFile({ jkt });
    expect((await verifyLicenseFile(file, options({ deviceKey: device }))).claims.cnf).toEqual({ jkt });
    const copied = await refusal(verifyLicenseFile(file, options({ deviceKey: other })));
    expect({ isClass: copied instanceof FileDeviceKeyMismatch && copied instanceof LicenseFileError, code: copied.code }).toEqual({
      isClass: true,
      code: "ERR_FILE_DEVICE_KEY_MISMATCH",
    });
  });

  it("refuses an unbound file when a device key is given, accepts it without one, and checks the fingerprint first", async () => {
    const unbound = await machineFile();
    expect((await refusal(verifyLicenseFile(unbound, options({ deviceKey: jkt })))).code).toBe("ERR_FILE_DEVICE_KEY_MISMATCH");
    expect((await verifyLicenseFile(unbound, options())).machine).toBe(true);
    expect((await verifyLicenseFile(await machineFile({ jkt }), options())).claims.cnf).toEqual({ jkt });
    expect(await refusal(verifyLicenseFile(await machineFile({ jkt }), options({ fingerprint: "elsewhere", deviceKey: device })))).toBeInstanceOf(
      FileWrongMachine,
    );
  });
});

describe("createOfflineLicense({ deviceKey })", () => {
  const verifier = () => createLicenseVerifier({ issuer: ISSUER, jwks: jwks as never, audience: APP });
  const answering = (license_token: string) =>
    createLicenseClient({
      baseUrl: ISSUER,
      fetch: (async () => Response.json({ valid: true, code: "VALID", message: "", license: null, license_token })) as typeof fetch,
    });
  const unreachable = createLicenseClient({
    baseUrl: ISSUER,
    retries: 0,
    fetch: (async () => {
      throw new TypeError("offline");
    }) as typeof fetch,
  });
  const request = { licenseKey: `lk_${"1".repeat(40)}`, fingerprint: FINGERPRINT };

  it("keeps and later accepts offline a token bound to this device", async () => {
    const store = memoryTokenStore();
    const online = await createOfflineLicense({ client: answering(await token({ jkt })), verifier: verifier(), store, request, deviceKey: device }).check();
    expect(online).toMatchObject({ valid: true, source: "online" });
    expect(await createOfflineLicense({ client: unreachable, verifier: verifier(), store, request, deviceKey: device }).check()).toMatchObject({
      valid: true,
      source: "cached",
    });
  });

  it("does not accept offline a token copied into the store from another device", async () => {
    const store = memoryTokenStore();
    await store.set(await token({ jkt: await deviceKeyThumbprint(other) }));
    expect(await createOfflineLicense({ client: unreachable, verifier: verifier(), store, request, deviceKey: device }).check()).toMatchObject({
      valid: false,
      code: "UNREACHABLE_NO_VALID_TOKEN",
    });
    const err = await refusal(createOfflineLicense({ client: answering(await token()), verifier: verifier(), store, request, deviceKey: device }).check());
    expect(err.code).toBe("ERR_DEVICE_KEY_MISMATCH");
  });
});
