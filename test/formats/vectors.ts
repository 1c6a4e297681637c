// The conformance suite over the committed vectors, shared by the runtimes that run it
// (vectors.test.ts in workerd, vectors.node.test.ts in Node): every valid case verifies with the
// SDK and gives its expected output, every invalid case fails with exactly its code, and the
// intermediate values a port builds on (the derived keys, the sealed JWE) are what docs/formats.md
// says they are.
import {
  LICENSE_FILE_ERROR_CODES,
  LICENSE_TOKEN_ERROR_CODES,
  licenseFileKey,
  type OfflinePurpose,
  offlineKeyFromHash,
  unarmorLicenseFile,
  WEBHOOK_ERROR_CODES,
} from "@edge-license/sdk";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/crypto/hash.ts";
import { LICENSE_KEY_PATTERN } from "../../src/crypto/random.ts";
import { comparable, run } from "./check.ts";
import { LICENSE_KEY, toHex, WRONG_LICENSE_KEY } from "./fixtures.ts";
import { VECTOR_FILES, type VectorCase, type VectorFile, type VectorFileName } from "./vector-file.ts";

type Derivation = { license_key_sha256: string; hkdf: { ikm: string; salt: string; info: string; length: number }; key_hex: string };

/** HKDF-SHA256 with the parameters exactly as a vector documents them (UTF-8 IKM, salt and info). */
async function hkdf(params: Derivation["hkdf"]): Promise<string> {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const ikm = await crypto.subtle.importKey("raw", utf8(params.ikm), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: utf8(params.salt), info: utf8(params.info) }, ikm, params.length * 8);
  return toHex(new Uint8Array(bits));
}

const payloadText = (jws: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(jws.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

/** What the issue asks the vectors to cover, by file: a port that passes has met each of these. */
const REQUIRED_CASES: Partial<Record<VectorFileName, string[]>> = {
  "license-token.json": ["wrong-audience", "expired", "altered-payload", "jwk-header", "wrong-fingerprint"],
  "lease-token.json": ["valid-lease-token", "not-a-lease-token"],
  "license-file.json": [
    "valid-encrypted",
    "wrong-audience",
    "expired",
    "altered-payload",
    "encrypted-wrong-license-key",
    "jwk-header",
    "license-token-as-file",
    "revoked",
    "valid-stale-status-list",
  ],
  "machine-file.json": ["valid", "valid-encrypted", "wrong-fingerprint", "encrypted-wrong-fingerprint", "seat-released"],
  "status-list.json": ["valid", "valid-revoked", "valid-suspended"],
  "air-gapped.json": ["valid-activation-request", "valid-deactivation-proof", "too-old", "wrong-license-key"],
  "webhook.json": ["valid-license.revoked", "bad-signature", "old-timestamp"],
};

const KNOWN_ERRORS = new Set<string>([...LICENSE_TOKEN_ERROR_CODES, ...LICENSE_FILE_ERROR_CODES, ...WEBHOOK_ERROR_CODES, "VALIDATION_FAILED"]);

export function describeVectors(runtime: string, files: Record<VectorFileName, VectorFile>): void {
  describe(`conformance vectors, verified by the SDK (${runtime})`, () => {
    for (const name of VECTOR_FILES) {
      const file = files[name];
      describe(name, () => {
        it.each(file.cases.map((c) => [c.name, c] as [string, VectorCase]))("%s", async (_name, c) => {
          expect(await run(file, c)).toEqual(comparable(file, c));
        });
      });
    }
  });

  describe(`conformance vectors: intermediate values (${runtime})`, () => {
    const sealed = (["license-file.json", "machine-file.json"] as const).flatMap((name) =>
      files[name].cases.filter((c) => c.expected.valid).map((c) => [`${name} ${c.name}`, c] as [string, VectorCase]),
    );

    it.each(sealed)("%s: the header, and for a sealed file the key derivation and the JWE its signature covers", async (_name, c) => {
      const expected = c.expected as Record<string, any>;
      const jws = unarmorLicenseFile(c.input.file as string)!;
      expect(decodeProtectedHeader(jws)).toEqual(expected.header);
      if (!expected.encrypted) return;
      const derivation = expected.derivation as Derivation;
      const withFingerprint = expected.jwe_header.kdf === "license-key+fingerprint";
      expect(derivation.license_key_sha256).toBe(await sha256Hex(c.input.license_key as string));
      expect(derivation.hkdf.ikm).toBe(derivation.license_key_sha256);
      expect(await hkdf(derivation.hkdf)).toBe(derivation.key_hex);
      expect(toHex(await licenseFileKey(c.input.license_key as string, withFingerprint ? (c.input.fingerprint as string) : undefined))).toBe(
        derivation.key_hex,
      );
      expect(payloadText(jws)).toBe(expected.jwe);
      expect(decodeProtectedHeader(expected.jwe)).toEqual({ alg: "dir", enc: "A256GCM", kdf: withFingerprint ? "license-key+fingerprint" : "license-key" });
    });

    it.each(files["air-gapped.json"].cases.filter((c) => c.expected.valid).map((c) => [c.name, c] as [string, VectorCase]))(
      "air-gapped %s: the HMAC key",
      async (_name, c) => {
        const derivation = (c.expected as Record<string, any>).derivation as Derivation;
        expect(await hkdf(derivation.hkdf)).toBe(derivation.key_hex);
        const key = await offlineKeyFromHash(await sha256Hex(c.input.license_key as string), c.input.kind as OfflinePurpose);
        expect(toHex(key)).toBe(derivation.key_hex);
      },
    );
  });

  describe(`conformance vectors: coverage (${runtime})`, () => {
    it.each([...VECTOR_FILES])("%s has valid and invalid cases with unique names, the required ones, and only known error codes", (name) => {
      const cases = files[name].cases;
      expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
      expect(cases.some((c) => c.expected.valid) && cases.some((c) => !c.expected.valid)).toBe(true);
      expect(REQUIRED_CASES[name]?.filter((required) => !cases.some((c) => c.name === required)) ?? []).toEqual([]);
      for (const c of cases) if (!c.expected.valid) expect(KNOWN_ERRORS, `${name} ${c.name}`).toContain(c.expected.error);
    });

    it("publishes public keys only, and test license keys of the service's shape", () => {
      for (const name of VECTOR_FILES) {
        for (const key of files[name].jwks?.keys ?? [])
          expect(Object.keys(key).filter((member) => ["d", "p", "q", "dp", "dq", "qi"].includes(member))).toEqual([]);
      }
      expect([LICENSE_KEY, WRONG_LICENSE_KEY].filter((key) => !LICENSE_KEY_PATTERN.test(key))).toEqual([]);
    });
  });
}
