// The SDK's device keys and DPoP proofs, checked by the service's own proof verifier
// (src/crypto/dpop.ts): what the SDK makes is what the service accepts, and the thumbprint the
// service stores is the one the SDK computes. Plus the key stores and the binding check.
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { dpopAccessTokenHash, verifyDpopProof } from "../../../src/crypto/dpop";
import {
  createDeviceKey,
  createDpopProof,
  deviceKeyThumbprint,
  devicePublicJwk,
  fileKeyStore,
  type IdbFactory,
  indexedDbKeyStore,
  loadOrCreateDeviceKey,
  memoryKeyStore,
  verifyBinding,
} from "../src/dpop";

const URL_ = "https://license.test/v1/licenses/validate";
const nowS = () => Math.floor(Date.now() / 1000);
const serverCheck = (proof: string, htm = "POST", htu = URL_) => verifyDpopProof(proof, { htm, htu, now: nowS() });

describe.each(["ES256", "EdDSA"] as const)("a %s device key", (alg) => {
  it("is created with a non-extractable private key, and its proofs verify with the service's verifier", async () => {
    const key = await createDeviceKey({ alg });
    expect({ private: key.privateKey.extractable, type: key.privateKey.type }).toEqual({ private: false, type: "private" });
    const proof = await createDpopProof(key, { htm: "POST", htu: `${URL_}?license=x#frag` });
    const check = await serverCheck(proof);
    expect(check).toEqual({ ok: true, jkt: await deviceKeyThumbprint(key), jti: expect.any(String), iat: expect.any(Number) });
    expect(await deviceKeyThumbprint(key)).toBe(await calculateJwkThumbprint(await devicePublicJwk(key)));
  });

  it("puts only public members in the jwk header, the htu without query or fragment, and a fresh jti each time", async () => {
    const key = await createDeviceKey({ alg });
    const proofs = await Promise.all([1, 2, 3].map(() => createDpopProof(key, { htm: "GET", htu: `${URL_}?q=1#f`, now: new Date(1_900_000_000_500) })));
    const header = decodeProtectedHeader(proofs[0]!);
    expect(header).toEqual({ alg, typ: "dpop+jwt", jwk: await devicePublicJwk(key) });
    expect(Object.keys(header.jwk!).sort()).toEqual(alg === "ES256" ? ["crv", "kty", "x", "y"] : ["crv", "kty", "x"]);
    const claims = proofs.map((p) => decodeJwt(p));
    expect(claims[0]).toEqual({ jti: expect.stringMatching(/^[0-9a-f-]{36}$/), htm: "GET", htu: URL_, iat: 1_900_000_000 });
    expect(new Set(claims.map((c) => c.jti)).size).toBe(3);
  });
});

describe("proofs and thumbprints across keys", () => {
  it("a proof from key A gives A's thumbprint, never B's", async () => {
    const [a, b] = await Promise.all([createDeviceKey(), createDeviceKey()]);
    const check = await serverCheck(await createDpopProof(a, { htm: "POST", htu: URL_ }));
    expect(check).toMatchObject({ ok: true, jkt: await deviceKeyThumbprint(a) });
    expect(check.ok && check.jkt).not.toBe(await deviceKeyThumbprint(b));
  });

  it("a proof is refused for another method or URL than it names", async () => {
    const key = await createDeviceKey();
    const proof = await createDpopProof(key, { htm: "POST", htu: URL_ });
    expect(await serverCheck(proof, "DELETE")).toMatchObject({ ok: false, code: "DPOP_METHOD_MISMATCH" });
    expect(await serverCheck(proof, "POST", "https://license.test/v1/licenses/verify")).toMatchObject({ ok: false, code: "DPOP_URL_MISMATCH" });
  });

  it("with an access token, carries the ath the service computes for it", async () => {
    const key = await createDeviceKey();
    const proof = await createDpopProof(key, { htm: "POST", htu: URL_, accessToken: "eyJ.token.sig" });
    const check = await verifyDpopProof(proof, { htm: "POST", htu: URL_, now: nowS(), accessTokenHash: await dpopAccessTokenHash("eyJ.token.sig") });
    expect(check).toMatchObject({ ok: true });
  });

  it("refuses a key pair that is not a device key, and thumbprints only EC and OKP keys", async () => {
    const rsa = (await generateKeyPair("RS256", { extractable: true })) as CryptoKeyPair;
    await expect(createDpopProof(rsa, { htm: "POST", htu: URL_ })).rejects.toThrow(/P-256 or Ed25519/);
    await expect(deviceKeyThumbprint(await exportJWK(rsa.publicKey))).rejects.toThrow(/EC or OKP/);
  });
});

describe("verifyBinding", () => {
  it("matches an artifact bound to this device's key, and not one bound to another key", async () => {
    const [device, other] = await Promise.all([createDeviceKey(), createDeviceKey({ alg: "EdDSA" })]);
    const jkt = await deviceKeyThumbprint(device);
    expect(await verifyBinding({ sub: "lic_1", cnf: { jkt } }, device)).toEqual({ bound: true, matches: true, jkt });
    expect(await verifyBinding({ sub: "lic_1", cnf: { jkt } }, await devicePublicJwk(device))).toEqual({ bound: true, matches: true, jkt });
    expect(await verifyBinding({ sub: "lic_1", cnf: { jkt } }, other)).toEqual({
      bound: true,
      matches: false,
      jkt,
      deviceJkt: await deviceKeyThumbprint(other),
    });
  });

  it("reads cnf.jkt from a token's payload, and says so when the artifact is unbound or malformed", async () => {
    const device = await createDeviceKey();
    const jkt = await deviceKeyThumbprint(device);
    const signer = await generateKeyPair("ES256");
    const token = await new SignJWT({ sub: "lic_1", cnf: { jkt } }).setProtectedHeader({ alg: "ES256", typ: "license+jwt" }).sign(signer.privateKey);
    expect(await verifyBinding(token, device)).toMatchObject({ bound: true, matches: true });
    expect(await verifyBinding({ sub: "lic_1" }, device)).toEqual({ bound: false, matches: false, reason: "UNBOUND" });
    for (const cnf of [{}, { jkt: "" }, { jkt: 7 }, null, "jkt", { "x5t#S256": "abc" }]) {
      expect(await verifyBinding({ sub: "lic_1", cnf }, device)).toEqual({ bound: false, matches: false, reason: "MALFORMED" });
    }
    expect(await verifyBinding("not-a-jwt", device)).toEqual({ bound: false, matches: false, reason: "MALFORMED" });
  });
});

describe("device key stores", () => {
  it("loadOrCreateDeviceKey keeps one key per store", async () => {
    const store = memoryKeyStore();
    const first = await loadOrCreateDeviceKey(store);
    const again = await loadOrCreateDeviceKey(store);
    expect(again).toBe(first);
    expect(first.privateKey.extractable).toBe(false);
  });

  // workerd's node:fs is a virtual file system without permissions: the 0600 mode is checked on
  // Node, Deno and Bun (the SDK's cross-runtime run), not here.
  it("fileKeyStore writes a private JWK, loads it back as the same non-extractable key, and refuses a non-extractable one", async () => {
    const { mkdtemp, readFile } = await import("node:fs/promises");
    const path = `${await mkdtemp("/tmp/dpop-")}/device-key.json`;
    const store = fileKeyStore(path);
    expect(await store.load()).toBeUndefined();
    const created = await loadOrCreateDeviceKey(store, { alg: "EdDSA" });
    const written = JSON.parse(await readFile(path, "utf8"));
    expect(Object.keys(written).sort()).toEqual(["alg", "crv", "d", "kty", "x"]);
    const loaded = await loadOrCreateDeviceKey(fileKeyStore(path));
    expect(loaded.privateKey.extractable).toBe(false);
    expect(await deviceKeyThumbprint(loaded)).toBe(await deviceKeyThumbprint(created));
    expect(await serverCheck(await createDpopProof(loaded, { htm: "POST", htu: URL_ }))).toMatchObject({ ok: true, jkt: await deviceKeyThumbprint(created) });
    await expect(store.save(await createDeviceKey())).rejects.toThrow(/extractable/);
  });

  it("indexedDbKeyStore saves the CryptoKey objects themselves and loads them back", async () => {
    const factory = fakeIndexedDb();
    const first = await loadOrCreateDeviceKey(indexedDbKeyStore("app", { indexedDB: factory }));
    const again = await loadOrCreateDeviceKey(indexedDbKeyStore("app", { indexedDB: factory }));
    expect(again.privateKey).toBe(first.privateKey);
    expect(first.privateKey.extractable).toBe(false);
    expect(await loadOrCreateDeviceKey(indexedDbKeyStore("another-app", { indexedDB: factory }))).not.toBe(first);
    await expect(indexedDbKeyStore("app").load()).rejects.toThrow(/IndexedDB/);
  });
});

/** Just enough IndexedDB (open with upgrade, get, put, transaction completion), its events a task later as in a browser. */
function fakeIndexedDb(): IdbFactory {
  const databases = new Map<string, Map<string, Map<string, unknown>>>();
  const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  const request = <T>(run: () => T) => {
    const req = { result: undefined as T, error: null as unknown, onsuccess: null as (() => void) | null, onerror: null as (() => void) | null };
    void tick().then(() => {
      req.result = run();
      req.onsuccess?.();
    });
    return req;
  };
  return {
    open(name) {
      const upgrade = !databases.has(name);
      const stores = databases.get(name) ?? new Map<string, Map<string, unknown>>();
      databases.set(name, stores);
      const db = {
        objectStoreNames: { contains: (store: string) => stores.has(store) },
        createObjectStore: (store: string) => stores.set(store, new Map()),
        close() {},
        transaction(store: string) {
          const records = stores.get(store);
          if (!records) throw new Error(`NotFoundError: no object store "${store}"`);
          const tx = {
            oncomplete: null as (() => void) | null,
            onerror: null as (() => void) | null,
            onabort: null as (() => void) | null,
            error: null as unknown,
            objectStore: () => ({
              get: (key: string) => request(() => records.get(key)),
              put: (value: unknown, key: string) => request(() => records.set(key, value)),
            }),
          };
          void tick()
            .then(tick)
            .then(() => tx.oncomplete?.());
          return tx;
        },
      };
      const req: ReturnType<IdbFactory["open"]> = { result: db, error: null, onsuccess: null, onerror: null, onupgradeneeded: null };
      void tick().then(() => {
        if (upgrade) req.onupgradeneeded?.();
        req.onsuccess?.();
      });
      return req;
    },
  };
}
