// The headers each payment provider sends with a webhook, made the way the provider documents (and
// its official SDK verifies: test/billing/signatures.node.test.ts). The service signs only its own
// test events with them (a connector's "send a test event"); tests sign their deliveries alike.
const encoder = new TextEncoder();

async function hmacSha256(secret: string, content: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(content)));
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const toBase64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

/** `Stripe-Signature: t=<s>,v1=<hex>`: HMAC-SHA256 of `${t}.${body}` under the secret's UTF-8 bytes (`whsec_` included). */
export async function signStripe(secret: string, body: string, tSeconds: number): Promise<Record<string, string>> {
  const mac = await hmacSha256(secret, `${tSeconds}.${body}`);
  return { "stripe-signature": `t=${tSeconds},v1=${toHex(mac)}` };
}

/** `Paddle-Signature: ts=<s>;h1=<hex>`: HMAC-SHA256 of `${ts}:${body}` under the secret's UTF-8 bytes. */
export async function signPaddle(secret: string, body: string, tsSeconds: number): Promise<Record<string, string>> {
  const mac = await hmacSha256(secret, `${tsSeconds}:${body}`);
  return { "paddle-signature": `ts=${tsSeconds};h1=${toHex(mac)}` };
}

/** `X-Signature: <hex>`, the HMAC-SHA256 of the raw body under the secret's UTF-8 bytes, and `X-Event-Name`. */
export async function signLemonSqueezy(secret: string, body: string, eventName: string): Promise<Record<string, string>> {
  const mac = await hmacSha256(secret, body);
  return { "x-signature": toHex(mac), "x-event-name": eventName };
}

/**
 * Standard Webhooks headers as Polar sends them: `v1,<base64>` of the HMAC-SHA256 of
 * `${id}.${ts}.${body}` keyed with the secret's UTF-8 bytes (Polar's own key, which every
 * @polar-sh/sdk version accepts).
 */
export async function signPolar(secret: string, id: string, tsSeconds: number, body: string): Promise<Record<string, string>> {
  const mac = await hmacSha256(secret, `${id}.${tsSeconds}.${body}`);
  return { "webhook-id": id, "webhook-timestamp": String(tsSeconds), "webhook-signature": `v1,${toBase64(mac)}` };
}
