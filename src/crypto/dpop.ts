// DPoP proof checking (RFC 9449 section 4.3): a device proves, request by request, that it holds
// the private key whose thumbprint (RFC 7638, `jkt`) an activation was bound to. Pure: no
// storage, no clock of its own. Replay detection (a `jti` seen before) is the caller's, with the
// key `dpopJtiKey` builds. Refusals are values, never exceptions: the input is the client's.
// https://www.rfc-editor.org/rfc/rfc9449#section-4.3
import { base64url as b64, calculateJwkThumbprint, decodeProtectedHeader, type JWK } from "jose";

/** `typ` of a DPoP proof (RFC 9449 section 4.2). */
export const DPOP_TYP = "dpop+jwt";
/** Accepted proof algorithms: asymmetric only, and only those whose keys we check member by member. */
export const DPOP_ALGS = ["ES256", "EdDSA"] as const;
export type DpopAlg = (typeof DPOP_ALGS)[number];

/** Longer proofs are refused before any parsing: a real one is about 500 bytes. */
export const MAX_DPOP_PROOF_BYTES = 4096;
export const MAX_DPOP_JTI_CHARS = 128;
/** Default acceptance window for `iat` (RFC 9449 section 11.1: "relatively short"). */
export const DPOP_MAX_AGE_S = 60;
export const DPOP_MAX_FUTURE_S = 5;
/**
 * How long a `jti` must be remembered to refuse every replay with the default window: a proof
 * accepted `DPOP_MAX_FUTURE_S` early stays acceptable until its `iat` is `DPOP_MAX_AGE_S` old.
 */
export const DPOP_JTI_TTL_S = DPOP_MAX_AGE_S + DPOP_MAX_FUTURE_S;

export const DPOP_REFUSAL_CODES = ["DPOP_PROOF_MISSING", "DPOP_PROOF_INVALID", "DPOP_PROOF_STALE", "DPOP_METHOD_MISMATCH", "DPOP_URL_MISMATCH"] as const;
export type DpopRefusalCode = (typeof DPOP_REFUSAL_CODES)[number];

export interface DpopExpectation {
  /** The request's method, as received. */
  htm: string;
  /** The request's URL; its query and fragment are ignored. */
  htu: string;
  /** The verifier's clock, Unix seconds. */
  now: number;
  /** Oldest accepted `iat`, seconds before `now`. Default 60. */
  maxAgeS?: number;
  /** Newest accepted `iat`, seconds after `now` (client clock skew). Default 5. */
  maxFutureS?: number;
  /** When the proof accompanies an access token: base64url SHA-256 of it (`dpopAccessTokenHash`), which `ath` must equal. */
  accessTokenHash?: string;
}

/** `nonce`: the proof's `nonce` claim, when it has one (an air-gapped request binds its proof with it). */
export type DpopCheck = { ok: true; jkt: string; jti: string; iat: number; nonce?: string } | { ok: false; code: DpopRefusalCode; message: string };

type Refusal = Extract<DpopCheck, { ok: false }>;
const refuse = (code: DpopRefusalCode, message: string): Refusal => ({ ok: false, code, message });
const invalid = (message: string): Refusal => refuse("DPOP_PROOF_INVALID", message);

/** Private (or symmetric) key members of any key type: a proof carrying one has leaked its key. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];
/**
 * Header parameters refused: those pointing at a key elsewhere (the proof's key is its `jwk`,
 * nothing else; a `kid` is ignored), and `crit`/`b64`, extensions this checker does not implement
 * (RFC 7515 section 4.1.11: an unknown critical extension makes the JWS invalid).
 */
const OTHER_KEY_HEADERS = ["jku", "x5u", "x5c", "crit", "b64"];
const B64URL_256 = /^[A-Za-z0-9_-]{43}$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Imported keys and their thumbprints, by the checked public members: a device proves the same key
 * request after request, and importing it and hashing its thumbprint each time costs about as much
 * as the signature check itself. Only keys whose proof verified are kept; bounded, cleared when full.
 */
const knownKeys = new Map<string, { key: Promise<CryptoKey>; jkt?: string }>();
const MAX_KNOWN_KEYS = 10_000;

function importOnce(alg: DpopAlg, jwk: JWK): { name: string; entry: { key: Promise<CryptoKey>; jkt?: string } } {
  const name = `${alg}.${jwk.x}.${jwk.y ?? ""}`;
  let entry = knownKeys.get(name);
  if (!entry) {
    entry = { key: crypto.subtle.importKey("jwk", jwk as JsonWebKey, WEBCRYPTO[alg].import, false, ["verify"]) };
    if (knownKeys.size >= MAX_KNOWN_KEYS) knownKeys.clear();
  }
  return { name, entry };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The RFC 7638 members of the header's `jwk` when they fit `alg` (P-256 for ES256, Ed25519 for
 * EdDSA, 32-byte coordinates), else why not. Only these members are imported and thumbprinted,
 * so the key that verifies the signature is exactly the key `jkt` names.
 */
function publicKeyOf(alg: DpopAlg, jwk: unknown): JWK | string {
  if (!isObject(jwk)) return "The `jwk` header must be a JSON Web Key.";
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return "The `jwk` header must hold a public key only: it carries private key material.";
  if (jwk.alg !== undefined && jwk.alg !== alg) return "The `jwk` header's `alg` differs from the proof's.";
  if (jwk.use !== undefined && jwk.use !== "sig") return "The `jwk` header's `use` must be `sig`.";
  const x = jwk.x;
  if (typeof x !== "string" || !B64URL_256.test(x)) return "The `jwk` header has no valid `x`.";
  if (alg === "ES256") {
    if (jwk.kty !== "EC" || jwk.crv !== "P-256") return "An ES256 proof's `jwk` must be an EC P-256 key.";
    if (typeof jwk.y !== "string" || !B64URL_256.test(jwk.y)) return "The `jwk` header has no valid `y`.";
    return { kty: "EC", crv: "P-256", x, y: jwk.y };
  }
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || "y" in jwk) return "An EdDSA proof's `jwk` must be an OKP Ed25519 key.";
  return { kty: "OKP", crv: "Ed25519", x };
}

/** The header checks of section 4.3 (items 2, 4, 5, 7), before any signature is checked. */
function checkHeader(proof: string): { alg: DpopAlg; jwk: JWK } | Refusal {
  if (proof.length > MAX_DPOP_PROOF_BYTES) return invalid(`DPoP proofs are limited to ${MAX_DPOP_PROOF_BYTES} bytes.`);
  // Also refuses two DPoP headers: Headers.get joins them with ", ", which no compact JWS contains.
  if (!COMPACT_JWS.test(proof)) return invalid("The DPoP header must be one compact JWS (three base64url parts).");
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(proof) as Record<string, unknown>;
  } catch {
    return invalid("The DPoP proof's header is not JSON.");
  }
  // Exact, not media-type normalised: every conforming client sends it bare.
  if (header.typ !== DPOP_TYP) return invalid(`The DPoP proof's \`typ\` must be "${DPOP_TYP}".`);
  const alg = header.alg;
  if (typeof alg !== "string" || !(DPOP_ALGS as readonly string[]).includes(alg)) {
    return invalid(`The DPoP proof's \`alg\` must be one of ${DPOP_ALGS.join(", ")}.`);
  }
  for (const name of OTHER_KEY_HEADERS) {
    if (name in header) return invalid(`The DPoP proof's header may not carry "${name}" (its key is its \`jwk\` only).`);
  }
  if (!("jwk" in header)) return invalid("The DPoP proof has no `jwk` header.");
  const jwk = publicKeyOf(alg as DpopAlg, header.jwk);
  return typeof jwk === "string" ? invalid(jwk) : { alg: alg as DpopAlg, jwk };
}

/** WebCrypto's names for the two algorithms: a JWS ES256 signature is already the raw r||s WebCrypto verifies. */
const WEBCRYPTO: Record<DpopAlg, { import: { name: string; namedCurve?: string }; verify: { name: string; hash?: string } }> = {
  ES256: { import: { name: "ECDSA", namedCurve: "P-256" }, verify: { name: "ECDSA", hash: "SHA-256" } },
  EdDSA: { import: { name: "Ed25519" }, verify: { name: "Ed25519" } },
};

/**
 * The signature and the payload, checked directly with WebCrypto: the header is already checked,
 * and jose's general JWT path (a second header parse, claim-set options) cost a third of a proof's
 * CPU on the hot path. The payload JSON, or why not.
 */
async function signedPayload(alg: DpopAlg, key: CryptoKey, proof: string): Promise<{ claims: Record<string, unknown> } | Refusal> {
  const [header, payload, signature] = proof.split(".") as [string, string, string];
  const signed = await crypto.subtle.verify(
    WEBCRYPTO[alg].verify,
    key,
    b64.decode(signature) as Uint8Array<ArrayBuffer>,
    encoder.encode(`${header}.${payload}`),
  );
  if (!signed) return invalid("The DPoP proof's signature does not verify with its `jwk`.");
  let claims: unknown;
  try {
    claims = JSON.parse(decoder.decode(b64.decode(payload)));
  } catch {
    return invalid("The DPoP proof's payload is not JSON.");
  }
  return isObject(claims) ? { claims } : invalid("The DPoP proof's payload is not a JSON object.");
}

const UNRESERVED = /[A-Za-z0-9._~-]/;

/**
 * A request URL as `htu` compares it: query and fragment removed (section 4.3 item 9), with the
 * syntax- and scheme-based normalisation of RFC 3986 sections 6.2.2-6.2.3 that section 4.3 asks
 * for: scheme and host in lower case and the default port dropped (the WHATWG URL parser does
 * both, and removes dot segments), percent-encoded unreserved characters decoded and other
 * escapes in upper case. `undefined` for anything but an absolute http(s) URL.
 */
export function normalizeHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  url.search = "";
  url.hash = "";
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (encoded: string, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : encoded.toUpperCase();
  });
  return `${url.protocol}//${url.username ? `${url.username}${url.password ? `:${url.password}` : ""}@` : ""}${url.host}${path}`;
}

/**
 * Checks one DPoP proof against the request it came with, as RFC 9449 section 4.3 lists: one
 * well-formed JWT, `typ` dpop+jwt, an allowed asymmetric `alg`, a public `jwk` that verifies the
 * signature, `jti`, `htm` and `htu` matching the request, `iat` within the window, and `ath` when
 * an access token is presented. On success, the key's RFC 7638 thumbprint (`jkt`) and the `jti`
 * to remember for replay detection (`dpopJtiKey`). Never throws.
 *
 * @example
 * const check = await verifyDpopProof(c.req.header("DPoP"), { htm: c.req.method, htu: c.req.url, now: Math.floor(Date.now() / 1000) });
 * if (!check.ok) throw new AppError(check.code, check.message); // with WWW-Authenticate: DPoP
 * if (check.jkt !== activation.jkt) ...; if (await replays.seen(await dpopJtiKey(check.jkt, check.jti), DPOP_JTI_TTL_S)) ...;
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export async function verifyDpopProof(proof: string | null | undefined, expect: DpopExpectation): Promise<DpopCheck> {
  try {
    if (typeof proof !== "string" || proof === "") return refuse("DPOP_PROOF_MISSING", "This request needs a DPoP proof (a `DPoP` header).");
    const header = checkHeader(proof);
    if ("ok" in header) return header;

    // The key is the header's, imported from its checked public members only (never `key_ops`,
    // `ext` or anything else the client wrote).
    const known = importOnce(header.alg, header.jwk);
    const signed = await signedPayload(header.alg, await known.entry.key, proof);
    if (!("claims" in signed)) return signed;
    const payload = signed.claims;

    const { jti, htm, htu, iat, exp, nbf } = payload;
    // Optional in a proof; when present they are honoured, on the caller's clock.
    if ((exp !== undefined && typeof exp !== "number") || (nbf !== undefined && typeof nbf !== "number")) {
      return invalid("The DPoP proof's `exp` and `nbf` must be numbers.");
    }
    if (typeof exp === "number" && exp <= expect.now) return refuse("DPOP_PROOF_STALE", "The DPoP proof has expired (`exp`).");
    if (typeof nbf === "number" && nbf > expect.now + (expect.maxFutureS ?? DPOP_MAX_FUTURE_S)) return invalid("The DPoP proof is not valid yet (`nbf`).");
    if (typeof jti !== "string" || jti === "" || jti.length > MAX_DPOP_JTI_CHARS) {
      return invalid(`The DPoP proof needs a \`jti\` of 1 to ${MAX_DPOP_JTI_CHARS} characters.`);
    }
    if (typeof htm !== "string" || typeof htu !== "string") return invalid("The DPoP proof needs `htm` and `htu` claims.");
    if (typeof iat !== "number" || !Number.isFinite(iat)) return invalid("The DPoP proof needs a numeric `iat` claim.");
    if (htm !== expect.htm) return refuse("DPOP_METHOD_MISMATCH", `The DPoP proof's \`htm\` is not this request's method (${expect.htm}).`);
    // A client that signs the very URL it fetched (the SDK does) matches without parsing either.
    const claimed = htu === expect.htu ? (/^https?:\/\//i.test(htu) ? htu : undefined) : normalizeHtu(htu);
    if (claimed === undefined || (claimed !== expect.htu && claimed !== normalizeHtu(expect.htu))) {
      return refuse("DPOP_URL_MISMATCH", "The DPoP proof's `htu` is not this request's URL (without query and fragment).");
    }
    if (iat < expect.now - (expect.maxAgeS ?? DPOP_MAX_AGE_S)) return refuse("DPOP_PROOF_STALE", "The DPoP proof is too old: make a new one per request.");
    if (iat > expect.now + (expect.maxFutureS ?? DPOP_MAX_FUTURE_S)) {
      return refuse("DPOP_PROOF_STALE", "The DPoP proof is issued in the future: the device's clock is ahead.");
    }
    if (expect.accessTokenHash !== undefined && payload.ath !== expect.accessTokenHash) {
      return invalid("The DPoP proof's `ath` is not the hash of the presented token.");
    }
    // The signature verified with this key: it may be remembered, with its thumbprint.
    known.entry.jkt ??= await calculateJwkThumbprint(header.jwk, "sha256");
    knownKeys.set(known.name, known.entry);
    const jkt = known.entry.jkt;
    return typeof payload.nonce === "string" ? { ok: true, jkt, jti, iat, nonce: payload.nonce } : { ok: true, jkt, jti, iat };
  } catch {
    // A runtime refusing a key or a digest: still the client's input, still a value.
    return invalid("The DPoP proof could not be verified.");
  }
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The name under which a proof's `jti` is remembered until its window closes: 128 bits of
 * SHA-256 over `jkt` and `jti`, so the key has a fixed short length whatever the client sent,
 * and two keys' `jti`s never collide (a `jkt` is base64url, so the "." cannot occur in it).
 */
export async function dpopJtiKey(jkt: string, jti: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(`${jkt}.${jti}`)));
  return base64url(digest.subarray(0, 16));
}

/** `ath` of a token (RFC 9449 section 4.2): base64url SHA-256 of its ASCII text. */
export async function dpopAccessTokenHash(accessToken: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(accessToken))));
}
