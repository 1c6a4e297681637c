// An independent verifier of Edge License artifacts, written as a third party would write it: from
// docs/formats.md alone, with `jose` (JWS signatures) and `node:crypto` (SHA-256, HKDF, AES-GCM,
// HMAC) and nothing of the service or its SDK. It opens license and machine files (encrypted or
// not), checks status lists, air-gapped requests and webhook deliveries, and raises the error
// codes the document names. test/formats/independent.node.test.ts runs it over the vectors.
import { createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { compactVerify, importJWK } from "jose";

export class FormatError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}
const fail = (code, message) => {
  throw new FormatError(code, message);
};

const TOLERANCE_S = 30; // §1 Time
const FORBIDDEN_HEADERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit"]; // §1
const ALGORITHMS = ["RS256", "ES256", "EdDSA"];

const sha256Hex = (text) => createHash("sha256").update(text, "utf8").digest("hex");
const fromB64Url = (text) => Buffer.from(text, "base64url");
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
function parseObject(bytes, code, what) {
  let value;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    fail(code, `${what} is not JSON`);
  }
  return isObject(value) ? value : fail(code, `${what} is not a JSON object`);
}

/** §7 and §6: HKDF-SHA256, IKM = ASCII of SHA256HEX(license key), salt "edge-license", L = 32. */
export function deriveKey(licenseKey, info) {
  const ikm = Buffer.from(sha256Hex(licenseKey), "ascii");
  return Buffer.from(hkdfSync("sha256", ikm, Buffer.from("edge-license", "utf8"), Buffer.from(info, "utf8"), 32));
}

/** §1 Armor: the compact JWS inside `label`'s armor, or a bare one; null when it is neither. */
export function unarmor(label, text) {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  let body = String(text).trim();
  if (body.startsWith(begin)) {
    if (!body.endsWith(end)) return null;
    body = body.slice(begin.length, body.length - end.length);
  }
  body = body.replace(/\s+/g, "");
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(body) ? body : null;
}

/** §4 steps 3 to 5: header, `typ`, forbidden parameters, algorithm, the key by `kid`, the signature. */
async function verifySigned(jws, typ, jwks, algorithms) {
  const header = parseObject(fromB64Url(jws.split(".")[0]), "ERR_FILE_MALFORMED", "the header");
  if (header.typ !== typ) fail("ERR_FILE_TYP_INVALID", `typ is not ${typ}`);
  if (FORBIDDEN_HEADERS.some((name) => name in header)) fail("ERR_FILE_ALG_NOT_ALLOWED", "a header parameter names its own key");
  if (!algorithms.includes(header.alg)) fail("ERR_FILE_ALG_NOT_ALLOWED", `alg ${header.alg} is not allowed`);
  const KEY_TYPES = { RS256: "RSA", ES256: "EC", EdDSA: "OKP" };
  const jwk = jwks.keys.find((k) => typeof header.kid === "string" && k.kid === header.kid && k.kty === KEY_TYPES[header.alg]);
  if (!jwk) fail("ERR_FILE_KEY_NOT_FOUND", "no key of the set has this kid");
  try {
    const { payload } = await compactVerify(jws, await importJWK(jwk, header.alg), { algorithms: [header.alg] });
    return { header, payload };
  } catch {
    return fail("ERR_FILE_SIGNATURE_INVALID", "the signature does not verify");
  }
}

/** §7: opens the JWE an encrypted file's signature covers. */
function open(payload, { licenseKey, fingerprint }) {
  const parts = Buffer.from(payload).toString("ascii").split(".");
  if (parts.length !== 5) fail("ERR_FILE_MALFORMED", "the sealed payload is not a compact JWE");
  const header = parseObject(fromB64Url(parts[0]), "ERR_FILE_MALFORMED", "the JWE header");
  const withFingerprint = header.kdf === "license-key+fingerprint";
  if (licenseKey === undefined) fail("ERR_FILE_KEY_REQUIRED", "the file is encrypted: the license key is needed");
  if (withFingerprint && fingerprint === undefined) fail("ERR_FILE_KEY_REQUIRED", "a sealed machine file needs the fingerprint too");
  if (header.alg !== "dir" || header.enc !== "A256GCM" || parts[1] !== "") fail("ERR_FILE_DECRYPTION_FAILED", "not dir / A256GCM");
  const key = deriveKey(licenseKey, withFingerprint ? `license-file/v1\n${fingerprint}` : "license-file/v1");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, fromB64Url(parts[2]));
    decipher.setAAD(Buffer.from(parts[0], "ascii"));
    decipher.setAuthTag(fromB64Url(parts[4]));
    return Buffer.concat([decipher.update(fromB64Url(parts[3])), decipher.final()]);
  } catch {
    return fail("ERR_FILE_DECRYPTION_FAILED", "the license key (or fingerprint) does not open the file");
  }
}

/** §8: ZLIB-inflates `lst` (at most 4 MiB) with the platform's DecompressionStream. */
async function inflate(lst) {
  const stream = new Blob([fromB64Url(lst)]).stream().pipeThrough(new DecompressionStream("deflate"));
  const chunks = [];
  let length = 0;
  for await (const chunk of stream) {
    length += chunk.length;
    if (length > 4 * 1024 * 1024) throw new RangeError("the list is too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** §8: the status of index `i`: 2 bits, the lowest indexes in the least significant bits. */
export const statusAt = (bytes, i) => (i >> 2 < bytes.length ? (bytes[i >> 2] >> ((i % 4) * 2)) & 3 : undefined);

/** §8 "Checking a list": the list's claims and its decompressed bytes. */
export async function verifyStatusList(token, { jwks, audience, uri, algorithms = ALGORITHMS }) {
  if (typeof audience !== "string" || audience === "") throw new TypeError("an audience is required");
  const invalid = (message) => fail("ERR_STATUS_LIST_INVALID", message);
  let claims;
  try {
    const jws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) ? token : invalid("not a compact JWS");
    claims = parseObject((await verifySigned(jws, "statuslist+jwt", jwks, algorithms)).payload, "ERR_FILE_MALFORMED", "the claims");
  } catch (err) {
    if (err instanceof FormatError) invalid(err.message);
    throw err;
  }
  if (uri !== undefined && claims.sub !== uri) invalid("not the list the reference names");
  if (!Array.isArray(claims.aud) || !claims.aud.includes(audience)) invalid("the list does not name this audience");
  const list = claims.status_list;
  if (list?.bits !== 2 || typeof list.lst !== "string" || typeof claims.iat !== "number" || typeof claims.sub !== "string") invalid("not a 2-bit list");
  try {
    return { claims, bytes: await inflate(list.lst) };
  } catch {
    return invalid("lst does not inflate");
  }
}

/** §4 and §5, steps 1 and 3 to 12 (no clock store): `{ claims, encrypted, machine, listStatus }`. */
export async function verifyLicenseFile(text, options) {
  const { jwks, issuer, audience, now, fingerprint, algorithms = ALGORITHMS } = options;
  if (typeof audience !== "string" || audience === "") throw new TypeError("an audience is required");
  if (typeof text !== "string" || text.length > 65_536) fail("ERR_FILE_MALFORMED", "not a file of at most 65536 characters");
  const jws = unarmor("LICENSE FILE", text) ?? fail("ERR_FILE_MALFORMED", "not an armored compact JWS");
  const { header, payload } = await verifySigned(jws, "license-file+jwt", jwks, algorithms);
  const encrypted = header.cty === "JWT";
  const claims = parseObject(encrypted ? open(payload, options) : payload, "ERR_FILE_MALFORMED", "the claims");

  const claimInvalid = (message) => fail("ERR_FILE_CLAIM_INVALID", message);
  for (const name of ["iss", "sub", "jti"]) if (typeof claims[name] !== "string") claimInvalid(`${name} is missing`);
  for (const name of ["iat", "nbf"]) if (typeof claims[name] !== "number") claimInvalid(`${name} is missing`);
  if (claims.exp !== undefined && typeof claims.exp !== "number") claimInvalid("exp is not a number");
  if (!Array.isArray(claims.features)) claimInvalid("features is missing");
  if (issuer !== undefined && claims.iss !== issuer) claimInvalid("another issuer");
  if (claims.aud !== audience) claimInvalid("another audience");
  if (claims.iat > now + TOLERANCE_S || claims.nbf > now + TOLERANCE_S) fail("ERR_CLOCK_TAMPERED", "the clock is behind the file's iat");
  if (claims.exp !== undefined && now > claims.exp + TOLERANCE_S) fail("ERR_FILE_EXPIRED", "past exp");

  const machine = typeof claims.fingerprint_sha256 === "string";
  if (machine && (fingerprint === undefined || sha256Hex(fingerprint) !== claims.fingerprint_sha256)) fail("ERR_FILE_WRONG_MACHINE", "another device");

  let listStatus = "unchecked";
  if (options.statusList !== undefined) {
    const ref = claims.status?.status_list;
    if (typeof ref?.idx !== "number" || typeof ref.uri !== "string") fail("ERR_STATUS_LIST_INVALID", "the file names no list");
    const { claims: list, bytes } = await verifyStatusList(options.statusList, { jwks, audience, uri: ref.uri, algorithms });
    const status = statusAt(bytes, ref.idx);
    if (status === undefined) fail("ERR_STATUS_LIST_INVALID", "the list is shorter than the index");
    if (status === 1) fail("ERR_LICENSE_REVOKED", "revoked, or the seat released");
    if (status === 2) fail("ERR_LICENSE_SUSPENDED", "suspended");
    const stale = typeof list.exp === "number" && now > list.exp + TOLERANCE_S;
    if (stale && options.requireFreshStatusList) fail("ERR_STATUS_LIST_STALE", "the list is past its exp");
    listStatus = stale ? "stale" : "valid";
  }
  return { claims, encrypted, machine, listStatus };
}

/** §6: what the service checks of an uploaded request or proof, for one license key; its claims. */
export function verifyAirGapped(kind, text, { licenseKey, now }) {
  const refuse = (reason) => fail("VALIDATION_FAILED", reason);
  const request = kind === "activation-request";
  const jws = unarmor(request ? "ACTIVATION REQUEST" : "DEACTIVATION PROOF", text) ?? refuse("armor");
  const [h, p, signature] = jws.split(".");
  let claims;
  try {
    claims = JSON.parse(fromB64Url(p).toString("utf8"));
  } catch {
    refuse("armor");
  }
  const text1 = (value, max) => typeof value === "string" && value.length >= 1 && value.length <= max;
  const allowed = request ? ["key_prefix", "fingerprint", "nonce", "iat", "name", "metadata"] : ["key_prefix", "fingerprint", "nonce", "iat", "activation_id"];
  const ok =
    isObject(claims) &&
    Object.keys(claims).every((name) => allowed.includes(name)) &&
    text1(claims.key_prefix, 16) &&
    text1(claims.fingerprint, 512) &&
    text1(claims.nonce, 64) &&
    Number.isInteger(claims.iat) &&
    (request ? claims.name === undefined || text1(claims.name, 200) : text1(claims.activation_id, 64)) &&
    (claims.metadata === undefined || metadataOk(claims.metadata));
  if (!ok) refuse("claims");
  if (claims.iat < now - 90 * 86_400) refuse("age");
  if (claims.iat > now + 86_400) refuse("future");
  const header = JSON.parse(fromB64Url(h).toString("utf8"));
  const typ = request ? "activation-request+jwt" : "deactivation-proof+jwt";
  const mac = createHmac("sha256", deriveKey(licenseKey, `${kind}/v1`))
    .update(`${h}.${p}`, "ascii")
    .digest();
  const given = fromB64Url(signature);
  if (header.alg !== "HS256" || header.typ !== typ || given.length !== mac.length || !timingSafeEqual(given, mac)) refuse("signature");
  return { header, claims };
}

/** §6 metadata limits: keys of at most 128 characters, 4 levels, 64 keys in all, 16384 bytes of JSON. */
function metadataOk(metadata) {
  if (!isObject(metadata)) return false;
  let keys = 0;
  const walk = (node, depth) => {
    if (node === null || typeof node !== "object") return true;
    if (depth > 4) return false;
    if (!Array.isArray(node)) keys += Object.keys(node).length;
    return Object.values(node).every((child) => walk(child, depth + 1));
  };
  return (
    Object.keys(metadata).every((k) => k.length <= 128) && walk(metadata, 1) && keys <= 64 && Buffer.byteLength(JSON.stringify(metadata), "utf8") <= 16_384
  );
}

/** §9: a delivery's parsed body, once one `v1` signature matches. */
export function verifyWebhook(secret, headers, body, { now }) {
  const get = (name) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const [id, timestamp, signatures] = ["webhook-id", "webhook-timestamp", "webhook-signature"].map(get);
  if (!id || !timestamp || !signatures) fail("ERR_WEBHOOK_HEADERS", "a webhook header is missing");
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > 300) fail("ERR_WEBHOOK_TIMESTAMP", "outside the tolerance");
  const encoded = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) fail("ERR_WEBHOOK_SECRET", "not a whsec_ base64 secret");
  const expected = createHmac("sha256", Buffer.from(encoded, "base64")).update(`${id}.${timestamp}.${body}`, "utf8").digest();
  for (const value of signatures.split(" ")) {
    const [version, signature] = value.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    if (version === "v1" && given.length === expected.length && timingSafeEqual(given, expected)) return JSON.parse(body);
  }
  return fail("ERR_WEBHOOK_SIGNATURE", "no signature matches");
}
