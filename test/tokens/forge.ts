// Token-forging helpers for the adversarial token suite: keys the test controls, raw JWS assembly
// (any header, any payload, any algorithm, no library guard rails), a worker that trusts a key set
// of the test's choosing, and the shared table of attacks every verifier must refuse.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createLicenseVerifier, type LicenseTokenErrorCode, type LicenseVerifier, type RemoteKeysOptions } from "@edge-license/sdk";
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, type JWK } from "jose";
import { app } from "../../src/index";
import { type CallOptions, callWithEnv, json } from "../harness";

export const ISSUER = "https://license.test";
export const JWKS_URI = `${ISSUER}/v1/licenses/jwks`;
export const TYP = "license+jwt";
export const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

export const nowS = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------------------------
// Encoding

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function b64url(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromB64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A JWS segment: JSON of `value`, or raw bytes as given. */
export const segment = (value: unknown) => b64url(value instanceof Uint8Array ? value : JSON.stringify(value));

/** Header and payload of a compact JWS, decoded without any verification. */
export function decodeParts(token: string): { header: Record<string, any>; payload: Record<string, any>; signature: string } {
  const [h = "", p = "", s = ""] = token.split(".");
  return { header: JSON.parse(decoder.decode(fromB64url(h))), payload: JSON.parse(decoder.decode(fromB64url(p))), signature: s };
}

// ---------------------------------------------------------------------------------------------
// Keys and signing

export type KeyAlg = "RS256" | "ES256" | "EdDSA";

export interface TestKey {
  kid: string;
  alg: KeyAlg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Private JWK with `kid`, `alg`, `use`: what SIGNING_KEYS holds for a signing key. */
  jwk: JWK;
  /** Public members only, with `kid`, `alg`, `use`. */
  publicJwk: JWK;
}

/** A fresh key pair; `kid` defaults to the RFC 7638 thumbprint, as `npm run keys:generate` does. */
export async function makeKey(alg: KeyAlg = "RS256", kid?: string): Promise<TestKey> {
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === "RS256" ? { modulusLength: 2048 } : {}) });
  const priv = await exportJWK(pair.privateKey);
  const pub = await exportJWK(pair.publicKey);
  const id = kid ?? (await calculateJwkThumbprint(pub));
  return {
    kid: id,
    alg,
    privateKey: pair.privateKey as unknown as CryptoKey,
    publicKey: pair.publicKey as unknown as CryptoKey,
    jwk: { ...priv, kid: id, alg, use: "sig" },
    publicJwk: { ...pub, kid: id, alg, use: "sig" },
  };
}

export type KeyStatus = "current" | "next" | "retired";

/**
 * A SIGNING_KEYS secret. Retired keys carry public members only unless `withPrivate` says otherwise
 * (a careless operator); current and next keys carry their private members.
 */
export function keySet(...entries: { key: TestKey; status: KeyStatus; withPrivate?: boolean }[]): string {
  return JSON.stringify({
    keys: entries.map(({ key, status, withPrivate = status !== "retired" }) => ({ ...(withPrivate ? key.jwk : key.publicJwk), status })),
  });
}

export type Signer = { alg: KeyAlg; key: CryptoKey } | { alg: "HS256"; secret: Uint8Array | string };

/** Assembles and signs a compact JWS by hand: the header says whatever the test wants. */
export async function signJws(header: Record<string, unknown>, payload: unknown, signer: Signer): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`;
  const data = encoder.encode(input);
  let signature: ArrayBuffer;
  if (signer.alg === "HS256") {
    const raw = typeof signer.secret === "string" ? encoder.encode(signer.secret) : signer.secret;
    const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    signature = await crypto.subtle.sign("HMAC", key, data);
  } else if (signer.alg === "RS256") {
    signature = await crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, signer.key, data);
  } else if (signer.alg === "EdDSA") {
    signature = await crypto.subtle.sign({ name: "Ed25519" }, signer.key, data);
  } else {
    signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signer.key, data);
  }
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

/** `base` with `changes` applied; a change to `undefined` removes the member. */
export function withChanges(base: Record<string, unknown>, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}

/** Signs `claims` with `key` under a license-token header (`alg`, `kid`, `typ`), with `header` changes. */
export const forge = (key: TestKey, claims: unknown, header: Record<string, unknown> = {}) =>
  signJws(withChanges({ alg: key.alg, kid: key.kid, typ: TYP }, header), claims, { alg: key.alg, key: key.privateKey });

/** Flips the lowest bit of the first byte of `needle` inside the token's decoded payload (JSON stays valid). */
export function flipPayloadBit(token: string, needle: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const bytes = fromB64url(p);
  const at = decoder.decode(bytes).indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the payload`);
  bytes[at] = bytes[at]! ^ 1;
  return `${h}.${b64url(bytes)}.${s}`;
}

/** Flips one bit in the middle of the signature. */
export function flipSignatureBit(token: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const bytes = fromB64url(s);
  const at = bytes.length >> 1;
  bytes[at] = bytes[at]! ^ 1;
  return `${h}.${p}.${b64url(bytes)}`;
}

// ---------------------------------------------------------------------------------------------
// A deployment that trusts a key set of the test's choosing (the worker's own app, other bindings)

export interface Deployment {
  bindings: Partial<Env>;
  /** Calls the worker and waits for its deferred work. */
  call(path: string, options?: CallOptions): Promise<Response>;
  /** POST /v1/licenses/verify; the license must be valid. */
  issue(licenseKey: string): Promise<string>;
  introspect(apiKey: string, token: string): Promise<{ status: number; body: any }>;
  /** GET /v1/licenses/jwks as text. */
  jwksText(): Promise<string>;
  /** `fetch` that serves this deployment (for the SDK verifier's JWKS). */
  fetch: typeof fetch;
  /** The SDK verifier, fetching this deployment's JWKS; audience `options.audience`, else the `aud` of the last token issued here. */
  verifier(options?: Partial<RemoteKeysOptions>): LicenseVerifier;
}

export function deployment(signingKeys: string, extra: Partial<Env> = {}): Deployment {
  const bindings: Partial<Env> = { SIGNING_KEYS: signingKeys, ...extra };
  const serve = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(input, init), { ...env, ...bindings }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }) as typeof fetch;
  let issuedAudience: string | undefined;
  const self: Deployment = {
    bindings,
    call: (path, options) => callWithEnv(bindings, path, options),
    async issue(licenseKey) {
      const body = await json(await self.call("/v1/licenses/verify", { body: { license_key: licenseKey } }));
      if (!body.valid || typeof body.license_token !== "string") throw new Error(`expected a token: ${JSON.stringify(body)}`);
      issuedAudience = decodeJwt(body.license_token).aud as string;
      return body.license_token;
    },
    async introspect(apiKey, token) {
      const res = await self.call("/v1/licenses/introspect", { token: apiKey, body: { token } });
      return { status: res.status, body: await json(res) };
    },
    jwksText: async () => (await self.call("/v1/licenses/jwks")).text(),
    fetch: serve,
    verifier: (options = {}) =>
      createLicenseVerifier({ issuer: ISSUER, jwksUri: JWKS_URI, fetch: serve, ...options, audience: (options.audience ?? issuedAudience) as string }),
  };
  return self;
}

/** Settles `promise` and returns what it threw (or fails when it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err) => err,
  );
}

// ---------------------------------------------------------------------------------------------
// The attack table: each token is refused by the SDK with `code`, and by introspection with
// `active: false` (the owner may also see `reason`).

export interface AttackContext {
  /** The key the deployment signs with. */
  trusted: TestKey;
  /** A valid-looking RSA-2048 key the deployment has never seen. */
  attacker: TestKey;
  /** A P-256 key, for re-signing with ES256. */
  ec: TestKey;
  /** A genuine token issued by the deployment. */
  genuine: string;
  /** Its claims, the template of every forged token. */
  claims: Record<string, unknown>;
  /** The deployment's published JWKS document, as served. */
  jwksText: string;
}

export interface Attack {
  name: string;
  code: LicenseTokenErrorCode;
  /** Introspection `reason` when the owning tenant gets one. */
  reason: string;
  token(ctx: AttackContext): Promise<string> | string;
}

const HOUR = 3600;
/** Re-signed by the trusted key with claim changes: valid in every other respect. */
const claimFlaw = (changes: Record<string, unknown> | (() => Record<string, unknown>)) => (ctx: AttackContext) =>
  forge(ctx.trusted, withChanges(ctx.claims, typeof changes === "function" ? changes() : changes));
/** Re-signed by the trusted key with header changes. */
const headerFlaw = (changes: Record<string, unknown>) => (ctx: AttackContext) => forge(ctx.trusted, ctx.claims, changes);

async function spkiPem(key: CryptoKey): Promise<string> {
  const der = new Uint8Array((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
  const base64 = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, "$1\n");
  return `-----BEGIN PUBLIC KEY-----\n${base64}\n-----END PUBLIC KEY-----\n`;
}

export const ATTACKS: Attack[] = [
  // Unsigned tokens
  ...["none", "NONE", "nOnE", "None"].map(
    (alg): Attack => ({
      name: `alg "${alg}" with an empty signature`,
      code: "ERR_TOKEN_MALFORMED",
      reason: "malformed",
      token: ({ trusted, claims }) => `${segment({ alg, kid: trusted.kid, typ: TYP })}.${segment(claims)}.`,
    }),
  ),
  {
    name: 'alg "none" carrying a genuine token\'s signature',
    code: "ERR_ALG_NOT_ALLOWED",
    reason: "algorithm_not_allowed",
    token: ({ trusted, claims, genuine }) => `${segment({ alg: "none", kid: trusted.kid, typ: TYP })}.${segment(claims)}.${genuine.split(".")[2]}`,
  },
  {
    name: "a genuine token with its signature stripped (header.payload.)",
    code: "ERR_TOKEN_MALFORMED",
    reason: "malformed",
    token: ({ genuine }) => `${genuine.split(".").slice(0, 2).join(".")}.`,
  },
  {
    name: "a genuine token with its signature segment removed (header.payload)",
    code: "ERR_TOKEN_MALFORMED",
    reason: "malformed",
    token: ({ genuine }) => genuine.split(".").slice(0, 2).join("."),
  },

  // Algorithm confusion: HMAC keyed with public material
  {
    name: "HS256 keyed with the published JWKS document",
    code: "ERR_ALG_NOT_ALLOWED",
    reason: "algorithm_not_allowed",
    token: ({ trusted, claims, jwksText }) => signJws({ alg: "HS256", kid: trusted.kid, typ: TYP }, claims, { alg: "HS256", secret: jwksText }),
  },
  {
    name: "HS256 keyed with the RSA modulus bytes (n)",
    code: "ERR_ALG_NOT_ALLOWED",
    reason: "algorithm_not_allowed",
    token: ({ trusted, claims }) => signJws({ alg: "HS256", kid: trusted.kid, typ: TYP }, claims, { alg: "HS256", secret: fromB64url(trusted.publicJwk.n!) }),
  },
  {
    name: "HS256 keyed with the modulus text (base64url n)",
    code: "ERR_ALG_NOT_ALLOWED",
    reason: "algorithm_not_allowed",
    token: ({ trusted, claims }) => signJws({ alg: "HS256", kid: trusted.kid, typ: TYP }, claims, { alg: "HS256", secret: trusted.publicJwk.n! }),
  },
  {
    name: "HS256 keyed with the public key as SPKI PEM",
    code: "ERR_ALG_NOT_ALLOWED",
    reason: "algorithm_not_allowed",
    token: async ({ trusted, claims }) =>
      signJws({ alg: "HS256", kid: trusted.kid, typ: TYP }, claims, { alg: "HS256", secret: await spkiPem(trusted.publicKey) }),
  },

  // Headers that would let the token choose its own key
  {
    name: "a `jwk` header embedding the attacker's public key",
    code: "ERR_HEADER_NOT_ALLOWED",
    reason: "invalid_header",
    token: ({ attacker, claims }) => forge(attacker, claims, { jwk: attacker.publicJwk }),
  },
  {
    name: "a `jwk` header embedding the attacker's key under our kid",
    code: "ERR_HEADER_NOT_ALLOWED",
    reason: "invalid_header",
    token: ({ attacker, trusted, claims }) => forge(attacker, claims, { kid: trusted.kid, jwk: attacker.publicJwk }),
  },
  {
    name: "a `jku` header pointing at the attacker's key set",
    code: "ERR_HEADER_NOT_ALLOWED",
    reason: "invalid_header",
    token: ({ attacker, claims }) => forge(attacker, claims, { jku: "https://attacker.example/jwks.json" }),
  },
  {
    name: "an `x5u` header pointing at the attacker's certificate",
    code: "ERR_HEADER_NOT_ALLOWED",
    reason: "invalid_header",
    token: ({ attacker, claims }) => forge(attacker, claims, { x5u: "https://attacker.example/cert.pem" }),
  },
  {
    name: "an `x5c` header carrying a certificate chain",
    code: "ERR_HEADER_NOT_ALLOWED",
    reason: "invalid_header",
    token: ({ attacker, claims }) => forge(attacker, claims, { x5c: ["MIIBszCCAVmgAwIBAgIUQ29udHJvbGxlZEJ5QXR0YWNrZXI="] }),
  },
  {
    name: "a `crit` header on an otherwise valid token",
    code: "ERR_HEADER_NOT_ALLOWED",
    reason: "invalid_header",
    token: headerFlaw({ crit: ["exp"] }),
  },

  // Key ids
  {
    name: "an unknown kid",
    code: "ERR_KEY_NOT_FOUND",
    reason: "unknown_key",
    token: ({ attacker, claims }) => forge(attacker, claims, { kid: "unknown-kid" }),
  },
  { name: "kid `../../etc/passwd`", code: "ERR_KEY_NOT_FOUND", reason: "unknown_key", token: headerFlaw({ kid: "../../etc/passwd" }) },
  { name: "kid `' OR 1=1 --`", code: "ERR_KEY_NOT_FOUND", reason: "unknown_key", token: headerFlaw({ kid: "' OR 1=1 --" }) },
  { name: "a 129-character kid", code: "ERR_KEY_NOT_FOUND", reason: "unknown_key", token: headerFlaw({ kid: "k".repeat(129) }) },
  // 10 KB of kid makes the whole token larger than the 8 KB limit: refused before any parsing.
  { name: "a 10 KB kid", code: "ERR_TOKEN_TOO_LARGE", reason: "malformed", token: headerFlaw({ kid: "k".repeat(10 * 1024) }) },
  { name: "a numeric kid", code: "ERR_KEY_NOT_FOUND", reason: "unknown_key", token: headerFlaw({ kid: 12345 }) },
  { name: "a null kid", code: "ERR_KEY_NOT_FOUND", reason: "unknown_key", token: headerFlaw({ kid: null }) },
  { name: "an object kid", code: "ERR_KEY_NOT_FOUND", reason: "unknown_key", token: headerFlaw({ kid: { $ne: null } }) },
  {
    name: "an array kid holding our kid",
    code: "ERR_KEY_NOT_FOUND",
    reason: "unknown_key",
    token: (ctx) => forge(ctx.trusted, ctx.claims, { kid: [ctx.trusted.kid] }),
  },
  { name: "no kid at all", code: "ERR_KEY_NOT_FOUND", reason: "unknown_key", token: headerFlaw({ kid: undefined }) },

  // Keys we never published
  {
    name: "a valid-looking RSA key that is not in the JWKS, under our kid",
    code: "ERR_SIGNATURE_INVALID",
    reason: "invalid_signature",
    token: ({ attacker, trusted, claims }) => forge(attacker, claims, { kid: trusted.kid }),
  },
  {
    name: "a valid-looking RSA key that is not in the JWKS, under its own kid",
    code: "ERR_KEY_NOT_FOUND",
    reason: "unknown_key",
    token: ({ attacker, claims }) => forge(attacker, claims),
  },
  {
    name: "the genuine claims re-signed with ES256 under our kid (only RS256 allowed)",
    code: "ERR_ALG_NOT_ALLOWED",
    reason: "algorithm_not_allowed",
    token: ({ ec, trusted, claims }) => forge(ec, claims, { kid: trusted.kid }),
  },
  {
    name: "the genuine claims re-signed with ES256 under the signing key's own kid",
    code: "ERR_ALG_NOT_ALLOWED",
    reason: "algorithm_not_allowed",
    token: ({ ec, claims }) => forge(ec, claims),
  },

  // Tampering
  {
    name: "a genuine token with one bit of its payload flipped",
    code: "ERR_SIGNATURE_INVALID",
    reason: "invalid_signature",
    token: ({ genuine }) => flipPayloadBit(genuine, 'pro"'),
  },
  {
    name: "a genuine token with one bit of its signature flipped",
    code: "ERR_SIGNATURE_INVALID",
    reason: "invalid_signature",
    token: ({ genuine }) => flipSignatureBit(genuine),
  },
  {
    name: "a validly signed token larger than 8 KB",
    code: "ERR_TOKEN_TOO_LARGE",
    reason: "malformed",
    token: claimFlaw({ features: Array.from({ length: 600 }, (_, i) => `feature-${i}`) }),
  },

  // Time claims (validly signed)
  {
    name: "an expired token",
    code: "ERR_TOKEN_EXPIRED",
    reason: "expired",
    token: claimFlaw(() => ({ iat: nowS() - 2 * HOUR, nbf: nowS() - 2 * HOUR, exp: nowS() - HOUR })),
  },
  {
    name: "a token with `nbf` an hour ahead",
    code: "ERR_TOKEN_NOT_YET_VALID",
    reason: "not_yet_valid",
    token: claimFlaw(() => ({ nbf: nowS() + HOUR, exp: nowS() + 2 * HOUR })),
  },
  {
    name: "a token with `iat` an hour ahead",
    code: "ERR_TOKEN_NOT_YET_VALID",
    reason: "not_yet_valid",
    token: claimFlaw(() => ({ iat: nowS() + HOUR })),
  },
  {
    name: "a token issued longer ago than the longest token lifetime",
    code: "ERR_TOKEN_EXPIRED",
    reason: "expired",
    token: claimFlaw(() => ({ iat: nowS() - 25 * HOUR, nbf: nowS() - 25 * HOUR, exp: nowS() + HOUR })),
  },
  ...(["exp", "nbf", "iat"] as const).map(
    (claim): Attack => ({
      name: `\`${claim}\` as a numeric string`,
      code: "ERR_CLAIM_INVALID",
      reason: "invalid_claims",
      token: (ctx) => forge(ctx.trusted, withChanges(ctx.claims, { [claim]: String(ctx.claims[claim]) })),
    }),
  ),
  { name: "no `exp`", code: "ERR_CLAIM_INVALID", reason: "invalid_claims", token: claimFlaw({ exp: undefined }) },

  // Identity claims (validly signed)
  { name: "a wrong `iss`", code: "ERR_CLAIM_INVALID", reason: "invalid_claims", token: claimFlaw({ iss: "https://attacker.example" }) },
  { name: "an `iss` with a trailing slash", code: "ERR_CLAIM_INVALID", reason: "invalid_claims", token: claimFlaw({ iss: `${ISSUER}/` }) },
  { name: "no `iss`", code: "ERR_CLAIM_INVALID", reason: "invalid_claims", token: claimFlaw({ iss: undefined }) },
  { name: "a wrong `token_use`", code: "ERR_CLAIM_INVALID", reason: "invalid_claims", token: claimFlaw({ token_use: "access_token" }) },
  { name: "no `token_use`", code: "ERR_CLAIM_INVALID", reason: "invalid_claims", token: claimFlaw({ token_use: undefined }) },
  { name: "no `jti`", code: "ERR_CLAIM_INVALID", reason: "invalid_claims", token: claimFlaw({ jti: undefined }) },
  { name: "a numeric `jti`", code: "ERR_CLAIM_INVALID", reason: "invalid_claims", token: claimFlaw({ jti: 42 }) },

  // Explicit typing (validly signed)
  { name: 'typ "JWT"', code: "ERR_TYP_INVALID", reason: "invalid_type", token: headerFlaw({ typ: "JWT" }) },
  { name: 'typ "at+jwt" (another token type)', code: "ERR_TYP_INVALID", reason: "invalid_type", token: headerFlaw({ typ: "at+jwt" }) },
  { name: "no typ", code: "ERR_TYP_INVALID", reason: "invalid_type", token: headerFlaw({ typ: undefined }) },

  // Shape
  {
    name: "a validly signed payload that is a JSON array",
    code: "ERR_TOKEN_MALFORMED",
    reason: "malformed",
    token: (ctx) => forge(ctx.trusted, [ctx.claims]),
  },
];
