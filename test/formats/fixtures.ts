// The fixed inputs of the conformance vectors (docs/test-vectors): identifiers, times, the license
// key, fingerprints and webhook secrets, the committed test keys (docs/test-vectors/keys.md), and
// a seeded stand-in for the platform's randomness so the service's own signing code produces the
// same bytes on every run (RS256, EdDSA and HS256 signatures are deterministic; the JWE IV, the
// token `jti`, the request nonce and the sealed webhook secret's IV come from this seed).
import { armor } from "@edge-license/sdk";
import type { JWK } from "jose";

/** Every vector's `now`: 2030-01-01T00:00:00Z. Verifiers must use it, not their clock. */
export const NOW = 1_893_456_000;
export const DAY = 86_400;
export const ISSUER = "https://license.example.com";

/** A resource id as the service makes them: `<prefix>_` and 22 base58 characters. */
export const id = (prefix: string, name: string) => `${prefix}_${`${name}${"1".repeat(22)}`.slice(0, 22)}`;

export const IDS = {
  tenant: id("tnt", "TestVectorsTenant"),
  otherTenant: id("tnt", "AnotherVendorTenant"),
  application: id("app", "TestVectorsApp"),
  otherApplication: id("app", "AnotherVendorApp"),
  license: id("lic", "TestVectorsLicense"),
  tenantLicense: id("lic", "TestVectorsNoApp"),
  policy: id("pol", "TestVectorsTerms"),
  machinePolicy: id("pol", "TestVectorsHardware"),
  floatingPolicy: id("pol", "TestVectorsSeats"),
  activation: id("act", "TestVectorsActivation"),
  lease: id("lse", "TestVectorsLease"),
  borrowedLease: id("lse", "TestVectorsBorrowed"),
  statusList: id("sl", "TestVectorsList"),
  otherStatusList: id("sl", "AnotherVendorList"),
  licenseFile: id("lf", "TestVectorsCheckout"),
  machineFile: id("lf", "TestVectorsMachine"),
  borrowedFile: id("lf", "TestVectorsBorrow"),
  webhookEndpoint: id("whk", "TestVectorsEndpoint"),
  apiKey: id("key", "TestVectorsApiKey"),
};

export const statusListUri = (listId: string) => `${ISSUER}/v1/status-lists/${listId}`;

/** Test-only license keys (`lk_` + 40 base58). The wrong one shares the visible prefix `lk_Test`. */
export const LICENSE_KEY = "lk_TestVectorsLicenseKeyDoNotUse123456789AB";
export const WRONG_LICENSE_KEY = "lk_TestVectorsAnotherKeyDoNotUse123456789AB";
/** A device fingerprint as LicenseChain clients send it (64 hex), and another device's. */
export const FINGERPRINT = "7f3a9c2e5b8d41f6a0c3e9b2d5f8a1c4e7b0d3f6a9c2e5b8d1f4a7c0e3b6d9f2";
export const OTHER_FINGERPRINT = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";

/** Status-list indexes: the license's entry, the machine file's activation, the borrowed lease's. */
export const IDX = { license: 2_041, activation: 7_777, borrowed: 12_003 };
/** Entries of other licenses, marked in every list (they show the bit order: see status-list.json). */
export const OTHER_ENTRIES: Array<[number, number]> = [
  [3, 1],
  [4, 2],
  [16_383, 1],
];
/** A list's capacity: one block, as the service makes them (STATUS_LIST_BLOCK). */
export const LIST_CAPACITY = 16_384;

/** Test-only webhook secrets (`whsec_` + base64 of 24 bytes) and the key sealing them at rest. */
export const WEBHOOK_SECRET = `whsec_${btoa(String.fromCharCode(...Array.from({ length: 24 }, (_, i) => i + 1)))}`;
export const PREVIOUS_WEBHOOK_SECRET = `whsec_${btoa(String.fromCharCode(...Array.from({ length: 24 }, (_, i) => 200 - i)))}`;
export const WEBHOOK_SECRETS_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(42)));

/** The committed key material: the deployment's signing keys and an attacker's key (not in the JWKS). */
export interface TestKeys {
  rs256: JWK & { kid: string };
  ed25519: JWK & { kid: string };
  attacker: JWK & { kid: string };
}

const KEYS_BEGIN = "```json";

/** docs/test-vectors/keys.md: the keys in its first ```json block. */
export function parseKeysMarkdown(text: string): TestKeys {
  const start = text.indexOf(KEYS_BEGIN);
  const end = text.indexOf("```", start + KEYS_BEGIN.length);
  if (start < 0 || end < 0) throw new Error("keys.md has no ```json block");
  const parsed = JSON.parse(text.slice(start + KEYS_BEGIN.length, end)) as { signing_keys: { keys: TestKeys["rs256"][] }; attacker_key: TestKeys["attacker"] };
  const [rs256, ed25519] = parsed.signing_keys.keys;
  if (rs256?.alg !== "RS256" || ed25519?.alg !== "EdDSA") throw new Error("keys.md: signing_keys must hold an RS256 and an EdDSA key, in that order");
  return { rs256, ed25519, attacker: parsed.attacker_key };
}

export function keysMarkdown(keys: TestKeys): string {
  const json = JSON.stringify({ signing_keys: { keys: [keys.rs256, keys.ed25519] }, attacker_key: keys.attacker }, null, 2);
  return `# Test keys of the conformance vectors: PUBLIC, TEST-ONLY

These private keys are published on purpose: they sign the vectors in this folder so that anyone
can regenerate and check them (\`node scripts/run.mjs node scripts/test-vectors.ts\`). They are
not secret, they sign nothing else, and no deployment may ever use them. \`signing_keys\` is in the
form of the service's \`SIGNING_KEYS\` secret (the vectors' JWKS is its public half);
\`attacker_key\` is a key outside that set, used by the invalid cases (a \`jwk\` header, an unknown
\`kid\`). They are kept in this Markdown file, not in the JSON vectors, so that the vectors hold
public keys only.

${KEYS_BEGIN}
${json}
\`\`\`
`;
}

/**
 * Runs `fn` with `crypto.getRandomValues` and `crypto.randomUUID` drawn from a seeded generator
 * (SplitMix32: test determinism, not security), then puts the platform's back.
 */
export async function withSeededRandom<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const target = crypto as unknown as Record<string, unknown>;
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) & 0xff;
  };
  const getRandomValues = <A extends ArrayBufferView | null>(array: A): A => {
    const bytes = array ? new Uint8Array(array.buffer, array.byteOffset, array.byteLength) : new Uint8Array(0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = next();
    return array;
  };
  const randomUUID = () => {
    const b = getRandomValues(new Uint8Array(16));
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  Object.assign(target, { getRandomValues, randomUUID });
  try {
    return await fn();
  } finally {
    delete target.getRandomValues;
    delete target.randomUUID;
  }
}

/** base64url (no padding) of a string's UTF-8 bytes, and back. */
export const base64UrlText = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromBase64UrlText = (part: string) => new TextDecoder().decode(Uint8Array.from(atob(part.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

/** A compact JWS whose payload (JSON) was changed after signing: the signature no longer matches. */
export function alterPayload(jws: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split(".");
  const claims = JSON.parse(fromBase64UrlText(payload!)) as Record<string, unknown>;
  change(claims);
  return `${header}.${base64UrlText(JSON.stringify(claims))}.${signature}`;
}

/** The compact JWS of an armored file. */
export const unarmored = (file: string) => file.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");

export const armorFile = (jws: string) => armor("LICENSE FILE", jws);

export const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** A list's bytes that are not 0, as `[offset, value]` pairs. */
export function nonzeroBytes(bytes: Uint8Array): Array<[offset: number, value: number]> {
  const out: Array<[number, number]> = [];
  for (let offset = 0; offset < bytes.length; offset++) if (bytes[offset] !== 0) out.push([offset, bytes[offset]!]);
  return out;
}
