// src/crypto/dpop.ts on its own: each rule of RFC 9449 section 4.3 refused with its code, a
// conforming proof accepted with the key's RFC 7638 thumbprint. Proofs are made here with jose and
// raw JWS assembly (any header, any algorithm), independently of the SDK that makes real ones.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { DPOP_ALGS, dpopAccessTokenHash, dpopJtiKey, MAX_DPOP_PROOF_BYTES, normalizeHtu, verifyDpopProof } from "../../src/crypto/dpop";

const NOW = 1_900_000_000;
const HTU = "https://license.test/v1/licenses/validate";
const expectation = { htm: "POST", htu: HTU, now: NOW };

interface DeviceKey {
  alg: "ES256" | "EdDSA";
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
}

async function deviceKey(alg: "ES256" | "EdDSA"): Promise<DeviceKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

/** A proof signed by `key`, with the header and claims changed as given (`undefined` removes one). */
function proof(key: DeviceKey, changes: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {}): Promise<string> {
  const header = { typ: "dpop+jwt", alg: key.alg, jwk: key.publicJwk, ...changes.header };
  const claims = { jti: crypto.randomUUID(), htm: "POST", htu: HTU, iat: NOW, ...changes.claims };
  const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return new SignJWT(defined(claims)).setProtectedHeader(defined(header) as { alg: string }).sign(key.privateKey);
}

const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** A compact JWS put together by hand, for what jose will not sign. */
const raw = (header: unknown, claims: unknown, signature: string) => `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${signature}`;

const refused = (code: string, message: RegExp) => ({ ok: false, code, message: expect.stringMatching(message) });

let es256: DeviceKey;
let eddsa: DeviceKey;
let other: DeviceKey;
beforeAll(async () => {
  [es256, eddsa, other] = await Promise.all([deviceKey("ES256"), deviceKey("EdDSA"), deviceKey("ES256")]);
});

describe("verifyDpopProof: a conforming proof", () => {
  it.each(["ES256", "EdDSA"] as const)("%s: accepted, with the jwk's RFC 7638 thumbprint as jkt, its jti and iat", async (alg) => {
    const key = alg === "ES256" ? es256 : eddsa;
    const jti = crypto.randomUUID();
    const check = await verifyDpopProof(await proof(key, { claims: { jti } }), expectation);
    expect(check).toEqual({ ok: true, jkt: await calculateJwkThumbprint(key.publicJwk, "sha256"), jti, iat: NOW });
  });

  it("accepts an iat at either edge of the window (60 s old, 5 s ahead), and windows set by the caller", async () => {
    expect(await verifyDpopProof(await proof(es256, { claims: { iat: NOW - 60 } }), expectation)).toMatchObject({ ok: true });
    expect(await verifyDpopProof(await proof(es256, { claims: { iat: NOW + 5 } }), expectation)).toMatchObject({ ok: true });
    expect(await verifyDpopProof(await proof(es256, { claims: { iat: NOW - 200 } }), { ...expectation, maxAgeS: 300 })).toMatchObject({ ok: true });
  });

  it("ignores the query and fragment of both the request URL and htu, and compares them normalised", async () => {
    const check = (htu: string, requestUrl: string) => proof(es256, { claims: { htu } }).then((p) => verifyDpopProof(p, { ...expectation, htu: requestUrl }));
    expect(await check(HTU, `${HTU}?license=lk_x&x=1#frag`)).toMatchObject({ ok: true });
    expect(await check(`${HTU}?a=b`, HTU)).toMatchObject({ ok: true });
    expect(await check("HTTPS://License.TEST:443/v1/licenses/%76alidate", HTU)).toMatchObject({ ok: true });
    expect(await check("https://license.test/v1/./licenses/validate", HTU)).toMatchObject({ ok: true });
  });

  it("checks ath against the presented token's hash when one is given", async () => {
    const ath = await dpopAccessTokenHash("eyJ.token.sig");
    const withAth = await proof(es256, { claims: { ath } });
    expect(await verifyDpopProof(withAth, { ...expectation, accessTokenHash: ath })).toMatchObject({ ok: true });
    expect(await verifyDpopProof(withAth, { ...expectation, accessTokenHash: await dpopAccessTokenHash("another") })).toEqual(
      refused("DPOP_PROOF_INVALID", /`ath`/),
    );
    expect(await verifyDpopProof(await proof(es256), { ...expectation, accessTokenHash: ath })).toEqual(refused("DPOP_PROOF_INVALID", /`ath`/));
  });
});

describe("verifyDpopProof: refusals (RFC 9449 section 4.3)", () => {
  it("no proof at all is DPOP_PROOF_MISSING", async () => {
    for (const absent of [undefined, null, ""]) {
      expect(await verifyDpopProof(absent, expectation)).toEqual(refused("DPOP_PROOF_MISSING", /DPoP/));
    }
  });

  it("garbage, two proofs in one header, and an over-long token are DPOP_PROOF_INVALID", async () => {
    const good = await proof(es256);
    const cases = ["garbage", "a.b", "a.b.c.d", `${good}, ${good}`, "e30.e30.", `${good.slice(0, 10)}!${good.slice(11)}`, "x".repeat(5000)];
    for (const input of cases) expect(await verifyDpopProof(input, expectation)).toEqual(refused("DPOP_PROOF_INVALID", /./));
    const padded = await proof(es256, { claims: { pad: "p".repeat(MAX_DPOP_PROOF_BYTES) } });
    expect(await verifyDpopProof(padded, expectation)).toEqual(refused("DPOP_PROOF_INVALID", /4096 bytes/));
  });

  it("a wrong or absent typ is refused", async () => {
    expect(await verifyDpopProof(await proof(es256, { header: { typ: "JWT" } }), expectation)).toEqual(refused("DPOP_PROOF_INVALID", /`typ`/));
    expect(await verifyDpopProof(await proof(es256, { header: { typ: "license+jwt" } }), expectation)).toEqual(refused("DPOP_PROOF_INVALID", /`typ`/));
    expect(await verifyDpopProof(await proof(es256, { header: { typ: undefined } }), expectation)).toEqual(refused("DPOP_PROOF_INVALID", /`typ`/));
  });

  it("alg none and HS256 are refused, whatever else the proof says", async () => {
    const claims = { jti: "j1", htm: "POST", htu: HTU, iat: NOW };
    expect(await verifyDpopProof(raw({ typ: "dpop+jwt", alg: "none", jwk: es256.publicJwk }, claims, ""), expectation)).toEqual(
      refused("DPOP_PROOF_INVALID", /./),
    );
    expect(await verifyDpopProof(raw({ typ: "dpop+jwt", alg: "none", jwk: es256.publicJwk }, claims, "c2ln"), expectation)).toEqual(
      refused("DPOP_PROOF_INVALID", /`alg`/),
    );
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ typ: "dpop+jwt", alg: "HS256", jwk: { kty: "oct", k: b64url(String.fromCharCode(...secret)) } } as { alg: string })
      .sign(secret);
    expect(await verifyDpopProof(hs256, expectation)).toEqual(refused("DPOP_PROOF_INVALID", /`alg`/));
    expect(DPOP_ALGS).toEqual(["ES256", "EdDSA"]);
  });

  it("a jwk carrying private key material is refused, even when the signature verifies", async () => {
    expect(await verifyDpopProof(await proof(es256, { header: { jwk: es256.privateJwk } }), expectation)).toEqual(
      refused("DPOP_PROOF_INVALID", /private key material/),
    );
    for (const member of ["p", "q", "dp", "dq", "qi", "k"]) {
      const jwk = { ...es256.publicJwk, [member]: "AAAA" };
      expect(await verifyDpopProof(await proof(es256, { header: { jwk } }), expectation)).toEqual(refused("DPOP_PROOF_INVALID", /private key material/));
    }
  });

  it("a jwk that did not make the signature is refused", async () => {
    expect(await verifyDpopProof(await proof(es256, { header: { jwk: other.publicJwk } }), expectation)).toEqual(
      refused("DPOP_PROOF_INVALID", /signature does not verify/),
    );
  });

  it("a key this isolate has verified before (its import is cached) still verifies each signature", async () => {
    // `other` is known once its own proof verified; a proof naming it but signed by es256 stays refused.
    expect((await verifyDpopProof(await proof(other), expectation)).ok).toBe(true);
    expect(await verifyDpopProof(await proof(es256, { header: { jwk: other.publicJwk } }), expectation)).toEqual(
      refused("DPOP_PROOF_INVALID", /signature does not verify/),
    );
  });

  it("a jwk that does not fit the alg, or is absent, or a key named elsewhere, is refused", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ alg: "ES256", jwk: eddsa.publicJwk }, /EC P-256/],
      [{ alg: "EdDSA", jwk: es256.publicJwk }, /OKP Ed25519/],
      [{ jwk: { ...es256.publicJwk, crv: "P-384" } }, /EC P-256/],
      [{ jwk: { ...es256.publicJwk, alg: "ES384" } }, /`alg`/],
      [{ jwk: undefined }, /no `jwk`/],
      [{ jwk: "not-a-key" }, /JSON Web Key/],
      [{ jku: "https://attacker.example/jwks" }, /"jku"/],
    ];
    for (const [header, message] of cases) {
      const signer = header.alg === "EdDSA" ? eddsa : es256;
      expect(await verifyDpopProof(await proof(signer, { header }), expectation)).toEqual(refused("DPOP_PROOF_INVALID", message));
    }
  });

  it("a critical extension (crit) or an unencoded payload (b64) is refused before any signature check", async () => {
    const claims = { jti: "j", htm: "POST", htu: HTU, iat: NOW };
    for (const extra of [{ crit: ["exp"] }, { b64: false, crit: ["b64"] }, { b64: false }]) {
      const header = { typ: "dpop+jwt", alg: "ES256", jwk: es256.publicJwk, ...extra };
      expect(await verifyDpopProof(raw(header, claims, "AAAA"), expectation)).toEqual(refused("DPOP_PROOF_INVALID", /may not carry/));
    }
  });

  it("a wrong htm is DPOP_METHOD_MISMATCH (methods are case-sensitive)", async () => {
    expect(await verifyDpopProof(await proof(es256, { claims: { htm: "GET" } }), expectation)).toEqual(refused("DPOP_METHOD_MISMATCH", /POST/));
    expect(await verifyDpopProof(await proof(es256, { claims: { htm: "post" } }), expectation)).toEqual(refused("DPOP_METHOD_MISMATCH", /POST/));
  });

  it("a wrong htu (another path, another host, scheme or port) is DPOP_URL_MISMATCH", async () => {
    const others = [
      "https://license.test/v1/licenses/verify",
      "https://license.test/v1/licenses/validate/",
      "https://attacker.example/v1/licenses/validate",
      "http://license.test/v1/licenses/validate",
      "https://license.test:8443/v1/licenses/validate",
      "not a url",
      "urn:example:validate",
    ];
    for (const htu of others) {
      expect(await verifyDpopProof(await proof(es256, { claims: { htu } }), expectation)).toEqual(refused("DPOP_URL_MISMATCH", /`htu`/));
    }
  });

  it("an iat ten minutes old, or in the future past the skew, is DPOP_PROOF_STALE; so is an exp passed", async () => {
    expect(await verifyDpopProof(await proof(es256, { claims: { iat: NOW - 600 } }), expectation)).toEqual(refused("DPOP_PROOF_STALE", /too old/));
    expect(await verifyDpopProof(await proof(es256, { claims: { iat: NOW - 61 } }), expectation)).toEqual(refused("DPOP_PROOF_STALE", /too old/));
    expect(await verifyDpopProof(await proof(es256, { claims: { iat: NOW + 6 } }), expectation)).toEqual(refused("DPOP_PROOF_STALE", /future/));
    expect(await verifyDpopProof(await proof(es256, { claims: { iat: NOW + 3600 } }), expectation)).toEqual(refused("DPOP_PROOF_STALE", /future/));
    expect(await verifyDpopProof(await proof(es256, { claims: { exp: NOW - 1 } }), expectation)).toEqual(refused("DPOP_PROOF_STALE", /`exp`/));
  });

  it("missing or unusable required claims (jti, htm, htu, iat) are DPOP_PROOF_INVALID", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ jti: undefined }, /`jti`/],
      [{ jti: "" }, /`jti`/],
      [{ jti: 42 }, /`jti`/],
      [{ jti: "j".repeat(129) }, /`jti`/],
      [{ htm: undefined }, /`htm`/],
      [{ htu: undefined }, /`htu`/],
      [{ iat: undefined }, /`iat`/],
      [{ iat: "1900000000" }, /iat/],
    ];
    for (const [claims, message] of cases) {
      expect(await verifyDpopProof(await proof(es256, { claims }), expectation)).toEqual(refused("DPOP_PROOF_INVALID", message));
    }
    expect(await verifyDpopProof(await proof(es256, { claims: { jti: "j".repeat(128) } }), expectation)).toMatchObject({ ok: true });
  });

  it("never throws, whatever the input", async () => {
    const inputs: unknown[] = [
      42,
      {},
      [],
      "..",
      "ey.ey.ey",
      raw({ typ: "dpop+jwt", alg: "ES256", jwk: { kty: "EC", crv: "P-256", x: "A".repeat(43), y: "A".repeat(43) } }, {}, "AAAA"),
    ];
    for (const input of inputs) {
      await expect(verifyDpopProof(input as string, expectation)).resolves.toMatchObject({ ok: false });
    }
  });
});

describe("dpopJtiKey and normalizeHtu", () => {
  it("names a (jkt, jti) pair with a short stable key, different for another key or jti", async () => {
    const jkt = await calculateJwkThumbprint(es256.publicJwk);
    const key = await dpopJtiKey(jkt, "jti-1");
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await dpopJtiKey(jkt, "jti-1")).toBe(key);
    expect(await dpopJtiKey(jkt, "jti-2")).not.toBe(key);
    expect(await dpopJtiKey(await calculateJwkThumbprint(other.publicJwk), "jti-1")).not.toBe(key);
  });

  it("normalises as RFC 3986 section 6.2.2-6.2.3 says, and only http(s) URLs", () => {
    expect(normalizeHtu("HTTPS://Example.COM:443/a/%7e/%2f?q#f")).toBe("https://example.com/a/~/%2F");
    expect(normalizeHtu("http://example.com:80")).toBe("http://example.com/");
    expect(normalizeHtu("https://example.com:8443/")).toBe("https://example.com:8443/");
    expect(normalizeHtu("ftp://example.com/")).toBeUndefined();
    expect(normalizeHtu("/relative")).toBeUndefined();
  });
});
