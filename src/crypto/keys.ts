// The signing key ring, parsed from the SIGNING_KEYS secret and imported once per isolate.
//
// SIGNING_KEYS is a JWK set. Each key has `kid`, `alg` (RS256 | ES256 | EdDSA) and a `status`:
//   current  the one key that signs (must include its private members)
//   next     published ahead of use so caches know it before it signs (private members kept for the switch)
//   retired  no longer signs; published until every token it signed has expired (public members only)
//            `retired_at` (Unix s): when it stopped signing; tokens it signed later are refused.
//            `retire_after` (Unix s): from then on it is dropped from the ring and the JWKS.
// Without any `status`, the first private key is current and every other key is published.
// `npm run keys:rotate` moves a set through these states; see README "Key rotation".
import { type CryptoKey, importJWK, type JWK } from "jose";
import type { SigningAlgorithm } from "../contract/tokens";
import { sha256Hex } from "./hash";

export type KeyStatus = "current" | "next" | "retired";

export interface PublicJwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  use: "sig";
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface KeyRing {
  signer: { kid: string; alg: SigningAlgorithm; key: CryptoKey };
  /**
   * Public keys by kid: what introspection verifies against (the same set the JWKS publishes). A
   * retired key's `retiredAt` (Unix s) bounds the `iat` of the tokens it may have signed.
   */
  verifiers: Map<string, { alg: SigningAlgorithm; key: CryptoKey; retiredAt?: number }>;
  algorithms: SigningAlgorithm[];
  /** The JWKS document, serialised once. */
  jwksBody: string;
  /** Strong ETag of `jwksBody`, computed once (it changes only with SIGNING_KEYS and retirements). */
  jwksEtag: string;
  /** When the next retired key passes its `retire_after` (ms; Infinity when none will): the ring is rebuilt then. */
  validUntilMs: number;
}

const ALGORITHMS: Record<SigningAlgorithm, { kty: string; crv?: string }> = {
  RS256: { kty: "RSA" },
  ES256: { kty: "EC", crv: "P-256" },
  EdDSA: { kty: "OKP", crv: "Ed25519" },
};

/** Public members per key type: a whitelist, so no private member can ever be published. */
const PUBLIC_MEMBERS: Record<string, (keyof PublicJwk)[]> = {
  RSA: ["n", "e"],
  EC: ["crv", "x", "y"],
  OKP: ["crv", "x"],
};

type SecretJwk = JWK & { kid?: string; alg?: string; status?: KeyStatus; retired_at?: number; retire_after?: number };

export class KeyConfigError extends Error {
  override name = "KeyConfigError";
}

export function toPublicJwk(jwk: SecretJwk): PublicJwk {
  const out: PublicJwk = { kty: jwk.kty!, kid: jwk.kid!, alg: jwk.alg as SigningAlgorithm, use: "sig" };
  for (const member of PUBLIC_MEMBERS[jwk.kty!] ?? []) {
    const value = (jwk as Record<string, unknown>)[member];
    if (typeof value === "string") (out as unknown as Record<string, string>)[member] = value;
  }
  return out;
}

function checkKey(jwk: SecretJwk, index: number): asserts jwk is SecretJwk & { kid: string; alg: SigningAlgorithm } {
  const where = `SIGNING_KEYS key #${index}`;
  if (typeof jwk.kid !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(jwk.kid)) throw new KeyConfigError(`${where}: needs a kid of [A-Za-z0-9_-]`);
  const spec = ALGORITHMS[jwk.alg as SigningAlgorithm];
  if (!spec) throw new KeyConfigError(`${where}: alg must be RS256, ES256 or EdDSA`);
  if (jwk.kty !== spec.kty || (spec.crv && jwk.crv !== spec.crv)) throw new KeyConfigError(`${where}: key type does not match ${jwk.alg}`);
  // RSA-2048 is the floor (RFC 7518 section 3.3 requires >= 2048 bits for RS256).
  if (jwk.kty === "RSA" && (jwk.n ?? "").length < 342) throw new KeyConfigError(`${where}: RSA keys must be at least 2048 bits`);
  if (jwk.status && !["current", "next", "retired"].includes(jwk.status)) throw new KeyConfigError(`${where}: unknown status`);
  for (const member of ["retired_at", "retire_after"] as const) {
    if (jwk[member] !== undefined && !Number.isInteger(jwk[member])) throw new KeyConfigError(`${where}: ${member} must be Unix seconds`);
  }
}

/** A retired key past its `retire_after` verifies nothing and is no longer published. */
const pastRetirement = (jwk: SecretJwk, nowMs: number) => jwk.status === "retired" && jwk.retire_after !== undefined && jwk.retire_after * 1000 <= nowMs;

async function buildKeyRing(source: string, nowMs: number): Promise<KeyRing> {
  let parsed: { keys?: SecretJwk[] };
  try {
    parsed = JSON.parse(source);
  } catch {
    throw new KeyConfigError("SIGNING_KEYS is not valid JSON");
  }
  const configured = parsed.keys ?? [];
  configured.forEach(checkKey);
  if (new Set(configured.map((k) => k.kid)).size !== configured.length) throw new KeyConfigError("SIGNING_KEYS has duplicate kids");
  // Retirement is enforced here, not only by the next `keys:rotate` run.
  const keys = configured.filter((k) => !pastRetirement(k, nowMs));
  const retirements = keys.filter((k) => k.status === "retired" && k.retire_after !== undefined).map((k) => k.retire_after! * 1000);
  const marked = keys.filter((k) => k.status === "current");
  const current = marked.length > 0 ? marked : keys.filter((k) => typeof k.d === "string").slice(0, 1);
  if (current.length !== 1 || typeof current[0]!.d !== "string") {
    throw new KeyConfigError("SIGNING_KEYS needs exactly one current key with its private members");
  }
  const signerJwk = current[0]! as SecretJwk & { kid: string; alg: SigningAlgorithm };
  const published = keys.map(toPublicJwk);
  const retiredAt = new Map(keys.filter((k) => k.status === "retired" && k.retired_at !== undefined).map((k) => [k.kid!, k.retired_at!]));
  const verifiers: KeyRing["verifiers"] = new Map();
  await Promise.all(
    published.map(async (jwk) => {
      const key = (await importJWK(jwk, jwk.alg)) as CryptoKey;
      verifiers.set(jwk.kid, { alg: jwk.alg, key, ...(retiredAt.has(jwk.kid) ? { retiredAt: retiredAt.get(jwk.kid) } : {}) });
    }),
  );
  const { status: _s, ...privateJwk } = signerJwk;
  const jwksBody = JSON.stringify({ keys: published });
  return {
    signer: { kid: signerJwk.kid, alg: signerJwk.alg, key: (await importJWK(privateJwk, signerJwk.alg)) as CryptoKey },
    verifiers,
    algorithms: [...new Set(published.map((k) => k.alg))],
    jwksBody,
    jwksEtag: `"${(await sha256Hex(jwksBody)).slice(0, 32)}"`,
    validUntilMs: Math.min(Infinity, ...retirements),
  };
}

// One import per isolate: keyed by the secret's text, so a changed secret (or a test env) rebuilds,
// and rebuilt when a retired key reaches its `retire_after`.
let cached: { source: string; ring: Promise<KeyRing>; validUntilMs: number } | undefined;

/** The ring of the SIGNING_KEYS secret's text. */
export function getKeyRing(signingKeys: string | undefined): Promise<KeyRing> {
  const source = signingKeys ?? "";
  const now = Date.now();
  if (cached?.source !== source || now >= cached.validUntilMs) {
    const ring = buildKeyRing(source, now);
    const entry = { source, ring, validUntilMs: Infinity };
    cached = entry;
    ring.then(
      (built) => {
        entry.validUntilMs = built.validUntilMs;
      },
      // A bad secret must not stay cached as a rejected promise forever.
      () => {
        if (cached === entry) cached = undefined;
      },
    );
  }
  return cached.ring;
}
