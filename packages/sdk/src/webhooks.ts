// Verifying this service's webhooks (Standard Webhooks: https://www.standardwebhooks.com/) with
// nothing but WebCrypto: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
// possibly several space-separated signatures during a secret rotation.
import { WebhookHeadersMissing, WebhookSecretInvalid, WebhookSignatureInvalid, WebhookTimestampInvalid } from "./errors.js";

/** Signatures older or newer than this are refused (replay protection). */
export const WEBHOOK_TOLERANCE_S = 5 * 60;

/** Fetch's Headers, or a plain object such as Node's `req.headers` (a repeated header's first value counts). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function decodeSecret(secret: string): Uint8Array<ArrayBuffer> {
  try {
    const raw = atob(secret.startsWith("whsec_") ? secret.slice(6) : secret);
    if (raw.length === 0) throw new Error("empty");
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  } catch {
    throw new WebhookSecretInvalid("The secret is not a whsec_ base64 secret.");
  }
}

/** Equal-length byte comparison that does not stop at the first difference. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Verifies a delivery and returns its parsed JSON body (`{ type, timestamp, data }`).
 * Pass the raw body text exactly as received.
 *
 * @example
 * app.post("/hooks/licenses", async (c) => {
 *   const event = await verifyWebhook(env.LICENSE_WEBHOOK_SECRET, c.req.raw.headers, await c.req.text());
 *   if (event.type === "license.revoked") await lockOut(event.data.id);
 *   return c.body(null, 204);
 * });
 * @throws {WebhookVerificationError} one of its subclasses, with a stable `code`.
 */
export async function verifyWebhook<T = { type: string; timestamp: string; data: Record<string, unknown> }>(
  secret: string,
  headers: WebhookHeaders,
  body: string,
  options: { toleranceS?: number; now?: Date } = {},
): Promise<T> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) throw new WebhookHeadersMissing("Missing webhook-id, webhook-timestamp or webhook-signature.");
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookTimestampInvalid("The timestamp is not Unix seconds.");
  const now = Math.floor((options.now?.getTime() ?? Date.now()) / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceS ?? WEBHOOK_TOLERANCE_S)) {
    throw new WebhookTimestampInvalid("The timestamp is outside the tolerance window.");
  }
  const key = await crypto.subtle.importKey("raw", decodeSecret(secret) as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  for (const versioned of signatures.split(" ")) {
    const [version, signature] = versioned.split(",");
    if (version !== "v1" || !signature) continue;
    let given: Uint8Array;
    try {
      given = Uint8Array.from(atob(signature), (ch) => ch.charCodeAt(0));
    } catch {
      continue;
    }
    if (constantTimeEqual(given, expected)) return JSON.parse(body) as T;
  }
  throw new WebhookSignatureInvalid("No signature matches.");
}
