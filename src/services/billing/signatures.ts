// Verifies a payment provider's webhook signature over the raw body, before a byte of it is parsed,
// exactly as each provider's official SDK does (test/billing/signatures.node.test.ts checks it
// against those SDKs). Pure WebCrypto: runs in workerd, in Node and in browsers.
//
// - Stripe (stripe-node 23.1.0, src/Webhooks.ts): `Stripe-Signature: t=<s>,v1=<hex>[,v1=...][,v0=...]`,
//   HMAC-SHA256 of `${t}.${body}` keyed with the secret's UTF-8 bytes (`whsec_` included); any v1
//   may match. Refused when older than 300 s (`floor(now / 1000) - t > 300`); a future `t` is
//   accepted, as stripe-node accepts it (only the secret's holder can sign one).
// - Paddle (paddle-node-sdk 3.10.0, notifications/helpers/webhooks-validator.ts):
//   `Paddle-Signature: ts=<s>;h1=<hex>[;h1=...]`, HMAC-SHA256 of `${ts}:${body}` under the secret's
//   UTF-8 bytes. Refused when `now > (ts + 5) * 1000` (the SDK's MAX_VALID_TIME_DIFFERENCE = 5 s);
//   a future `ts` is accepted, as the SDK does. Any h1 may match: Paddle documents "at least one
//   h1" (a secret being rotated), while the SDK compares the last one only.
// - Lemon Squeezy (docs.lemonsqueezy.com, "Signing requests"): `X-Signature: <hex>`, HMAC-SHA256
//   of the raw body under the secret's UTF-8 bytes. No timestamp is signed, so no replay window
//   exists: a replayed delivery is absorbed by the event log's idempotency (the body's hash is its id).
// - Polar (@polar-sh/sdk 1.0.1, src/webhooks.ts): Standard Webhooks headers `webhook-id`,
//   `webhook-timestamp`, `webhook-signature: v1,<base64> [v1,<base64>...]` over
//   `${id}.${timestamp}.${body}`, refused more than 300 s away from now either way. The SDK tries two
//   keys: the UTF-8 bytes of the whole secret (Polar's original key; SDK 0.x got it by base64-encoding
//   the secret for `standardwebhooks`, which decodes it back), and, when the secret minus a `whsec_`
//   prefix decodes as base64 (`atob`), those bytes (the Standard Webhooks key). Both are tried here.
//
// Every comparison is `crypto.subtle.verify`, which compares MACs in constant time in workerd and
// Node alike (workerd's `timingSafeEqual` does not exist in Node, where the conformance test runs).
import type { BillingProvider } from "../../contract/billing";

export type SignatureFailureCode = "SIGNATURE_MISSING" | "SIGNATURE_INVALID" | "SIGNATURE_STALE";

export type SignatureCheck =
  | {
      ok: true;
      /** From the headers when the provider puts it there (Polar's webhook-id). */
      eventId?: string;
      /** From the headers when the provider puts it there (Lemon Squeezy's X-Event-Name). */
      eventName?: string;
    }
  | { ok: false; code: SignatureFailureCode; message: string };

/** A signature header longer than this is refused unread: real ones are under 300 bytes. */
export const MAX_SIGNATURE_HEADER_LENGTH = 2048;
/** At most this many signatures in one header (a secret being rolled sends two). */
export const MAX_SIGNATURES = 8;

/** How far a signed timestamp may be from now, in seconds, as each provider's SDK allows. */
export const SIGNATURE_TOLERANCE = {
  stripe: { pastSeconds: 300, futureSeconds: Number.POSITIVE_INFINITY },
  paddle: { pastSeconds: 5, futureSeconds: Number.POSITIVE_INFINITY },
  polar: { pastSeconds: 300, futureSeconds: 300 },
} as const;

const encoder = new TextEncoder();
const HEX_SHA256 = /^[0-9a-f]{64}$/;
// Unix seconds as the SDKs print them: no sign, no leading zero (which would change the signed text).
const UNIX_SECONDS = /^(?:0|[1-9][0-9]{0,11})$/;

const missing = (message: string): SignatureCheck => ({ ok: false, code: "SIGNATURE_MISSING", message });
const invalid = (message: string): SignatureCheck => ({ ok: false, code: "SIGNATURE_INVALID", message });
const stale = (message: string): SignatureCheck => ({ ok: false, code: "SIGNATURE_STALE", message });

/**
 * Whether `rawBody` was signed by the provider with `secret`, checked from the headers alone.
 * `now` is in ms. Never throws on anything a sender controls.
 *
 * @example
 * const check = await verifyBillingSignature("stripe", secret, request.headers, await request.text(), Date.now());
 * if (!check.ok) return refuse(check.code);
 */
export async function verifyBillingSignature(
  provider: BillingProvider,
  secret: string,
  headers: Headers,
  rawBody: string,
  now: number,
): Promise<SignatureCheck> {
  // A blank secret is a misconfiguration that HMAC would accept: refused first, as stripe-node does (same blank test).
  if (/^[ \t\r\n\f\v]*$/.test(secret)) return invalid("no webhook signing secret is configured for this connector");
  switch (provider) {
    case "stripe":
      return verifyStripe(secret, headers, rawBody, now);
    case "paddle":
      return verifyPaddle(secret, headers, rawBody, now);
    case "lemonsqueezy":
      return verifyLemonSqueezy(secret, headers, rawBody);
    case "polar":
      return verifyPolar(secret, headers, rawBody, now);
  }
}

/** A header's value, or a refusal when it is absent, empty or oversized. */
function readHeader(headers: Headers, name: string): string | SignatureCheck {
  const value = headers.get(name);
  if (value === null || value === "") return missing(`the ${name} header is missing`);
  if (value.length > MAX_SIGNATURE_HEADER_LENGTH) return invalid(`the ${name} header is longer than ${MAX_SIGNATURE_HEADER_LENGTH} bytes`);
  return value;
}

interface TimestampedHeader {
  timestamp: number;
  /** The timestamp as signed. */
  timestampText: string;
  signatures: string[];
}

/**
 * Parses `<tsKey>=<s><sep><sigKey>=<sig>...` (Stripe's and Paddle's shape): exactly one timestamp,
 * at least one signature of `sigKey`, other keys ignored (Stripe's v0, future schemes).
 */
function parseTimestamped(header: string, name: string, separator: string, tsKey: string, sigKey: string): TimestampedHeader | SignatureCheck {
  const parts = header.split(separator, MAX_SIGNATURES + 2);
  if (parts.length > MAX_SIGNATURES + 1) return invalid(`the ${name} header has more than ${MAX_SIGNATURES} signatures`);
  let timestampText: string | null = null;
  const signatures: string[] = [];
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === tsKey) {
      if (timestampText !== null) return invalid(`the ${name} header has more than one ${tsKey}`);
      timestampText = value;
    } else if (key === sigKey) signatures.push(value);
  }
  if (timestampText === null || !UNIX_SECONDS.test(timestampText)) return invalid(`the ${name} header has no valid ${tsKey} timestamp`);
  if (signatures.length === 0) return invalid(`the ${name} header has no ${sigKey} signature`);
  return { timestamp: Number(timestampText), timestampText, signatures };
}

function isRefusal(value: unknown): value is SignatureCheck {
  return typeof value === "object" && value !== null && "ok" in value;
}

/** Whether `timestamp` (s) is outside `tolerance` of `now` (ms), measured as the provider's SDK does. */
function outsideTolerance(provider: keyof typeof SIGNATURE_TOLERANCE, timestamp: number, now: number): boolean {
  const { pastSeconds, futureSeconds } = SIGNATURE_TOLERANCE[provider];
  switch (provider) {
    // stripe-node: Math.floor(receivedAt / 1000) - t > tolerance.
    case "stripe":
      return Math.floor(now / 1000) - timestamp > pastSeconds;
    // Paddle: Date.now() > (ts + 5) * 1000.
    case "paddle":
      return now > (timestamp + pastSeconds) * 1000;
    // Polar: ts < now/1000 - 300 or ts > now/1000 + 300, with a fractional now.
    case "polar":
      return timestamp * 1000 < now - pastSeconds * 1000 || timestamp * 1000 > now + futureSeconds * 1000;
  }
}

async function hmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
}

/** True when one of the lowercase-hex `signatures` is the HMAC of `content` (what the SDKs compare: lowercase hex strings). */
async function anyHexMatches(key: CryptoKey, signatures: string[], content: string): Promise<boolean> {
  const data = encoder.encode(content);
  for (const signature of signatures) {
    const mac = hexToBytes(signature);
    if (mac && (await crypto.subtle.verify("HMAC", key, mac, data))) return true;
  }
  return false;
}

async function verifyStripe(secret: string, headers: Headers, rawBody: string, now: number): Promise<SignatureCheck> {
  const header = readHeader(headers, "stripe-signature");
  if (typeof header !== "string") return header;
  const parsed = parseTimestamped(header, "stripe-signature", ",", "t", "v1");
  if (isRefusal(parsed)) return parsed;
  if (outsideTolerance("stripe", parsed.timestamp, now)) return stale("the stripe-signature timestamp is more than 300 seconds old");
  const key = await hmacKey(encoder.encode(secret));
  if (await anyHexMatches(key, parsed.signatures, `${parsed.timestampText}.${rawBody}`)) return { ok: true };
  return invalid("no v1 signature in stripe-signature matches the body");
}

async function verifyPaddle(secret: string, headers: Headers, rawBody: string, now: number): Promise<SignatureCheck> {
  const header = readHeader(headers, "paddle-signature");
  if (typeof header !== "string") return header;
  const parsed = parseTimestamped(header, "paddle-signature", ";", "ts", "h1");
  if (isRefusal(parsed)) return parsed;
  if (outsideTolerance("paddle", parsed.timestamp, now)) return stale("the paddle-signature timestamp is more than 5 seconds old");
  const key = await hmacKey(encoder.encode(secret));
  if (await anyHexMatches(key, parsed.signatures, `${parsed.timestampText}:${rawBody}`)) return { ok: true };
  return invalid("no h1 signature in paddle-signature matches the body");
}

async function verifyLemonSqueezy(secret: string, headers: Headers, rawBody: string): Promise<SignatureCheck> {
  const header = readHeader(headers, "x-signature");
  if (typeof header !== "string") return header;
  const key = await hmacKey(encoder.encode(secret));
  if (!(await anyHexMatches(key, [header], rawBody))) return invalid("x-signature does not match the body");
  // The event name is advisory (the body's meta.event_name says the same): an oversized one is dropped.
  const eventName = headers.get("x-event-name");
  return eventName && eventName.length <= MAX_SIGNATURE_HEADER_LENGTH ? { ok: true, eventName } : { ok: true };
}

async function verifyPolar(secret: string, headers: Headers, rawBody: string, now: number): Promise<SignatureCheck> {
  const id = readHeader(headers, "webhook-id");
  if (typeof id !== "string") return id;
  const timestampText = readHeader(headers, "webhook-timestamp");
  if (typeof timestampText !== "string") return timestampText;
  const header = readHeader(headers, "webhook-signature");
  if (typeof header !== "string") return header;
  if (!UNIX_SECONDS.test(timestampText)) return invalid("the webhook-timestamp header is not a Unix time in seconds");
  const entries = header.split(" ", MAX_SIGNATURES + 1);
  if (entries.length > MAX_SIGNATURES) return invalid(`the webhook-signature header has more than ${MAX_SIGNATURES} signatures`);
  if (outsideTolerance("polar", Number(timestampText), now)) return stale("the webhook-timestamp is more than 300 seconds from now");
  const data = encoder.encode(`${id}.${timestampText}.${rawBody}`);
  const keys = await Promise.all(polarKeys(secret).map(hmacKey));
  for (const entry of entries) {
    // "v1,<base64>"; the SDK reads the first two comma-separated fields and skips other versions.
    const [version, signature] = entry.split(",", 2);
    if (version !== "v1" || signature === undefined) continue;
    const mac = base64ToBytes(signature);
    if (!mac) continue;
    for (const key of keys) if (await crypto.subtle.verify("HMAC", key, mac, data)) return { ok: true, eventId: id };
  }
  return invalid("no v1 signature in webhook-signature matches the body");
}

/**
 * The HMAC keys @polar-sh/sdk 1.0.1 accepts for a secret (its `hmacKeys`): the secret's UTF-8 bytes,
 * then the base64 decoding of the secret minus any `whsec_` prefix, when that decodes to something
 * non-empty and different.
 */
export function polarKeys(secret: string): Uint8Array[] {
  const utf8 = encoder.encode(secret);
  const decoded = base64ToBytes(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  if (!decoded || decoded.length === 0 || bytesEqual(decoded, utf8)) return [utf8];
  return [utf8, decoded];
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** 32 bytes from 64 lowercase hex digits, or null (never throws). */
function hexToBytes(hex: string): Uint8Array | null {
  if (!HEX_SHA256.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Bytes from base64 exactly as `atob` reads it (what the Polar SDK uses: whitespace skipped, padding
 * optional), or null where `atob` would throw.
 */
function base64ToBytes(text: string): Uint8Array | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
