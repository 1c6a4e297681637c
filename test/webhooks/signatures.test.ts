// Standard Webhooks compatibility: what reaches a receiver verifies with the official
// `standardwebhooks` library and with the SDK's `verifyWebhook`, and both refuse a tampered body,
// a wrong secret and a stale (or future) timestamp. Also the exact header and body format.

import { verifyWebhook, WebhookVerificationError } from "@edge-license/sdk";
import { WebhookVerificationError as StdVerificationError, Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTenant, type TestTenant } from "../harness";
import { act, createEndpoint, deliveriesOf, dropEndpoints, type Endpoint, emitApiKeyCreated, type Received, received, uniqueName } from "./helpers";

/** A random secret in the same format: the wrong secret for every delivery here. */
const otherSecret = () => `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;

async function sdkRejects(secret: string, headers: Record<string, string>, body: string, code: string, options: { now?: Date } = {}) {
  const err = await verifyWebhook(secret, headers, body, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "the SDK accepted it").toBeInstanceOf(WebhookVerificationError);
  expect((err as WebhookVerificationError).code).toBe(code);
}

function stdRejects(secret: string, headers: Record<string, string>, body: string, message: RegExp) {
  expect(() => new Webhook(secret).verify(body, headers)).toThrow(StdVerificationError);
  expect(() => new Webhook(secret).verify(body, headers)).toThrow(message);
}

describe("webhook signatures (Standard Webhooks)", () => {
  let t: TestTenant;
  let endpoint: Endpoint;
  let delivery: Received;
  let apiKeySecret: string;
  let apiKeyId: string;

  beforeAll(async () => {
    t = await createTenant("wh signatures");
    endpoint = await createEndpoint(t, uniqueName("sig"));
    const emitted = await emitApiKeyCreated(t);
    apiKeySecret = emitted.secret;
    apiKeyId = emitted.keyId;
    const calls = await received(endpoint.name);
    expect(calls).toHaveLength(1);
    delivery = calls[0]!;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    await dropEndpoints([t.tenantId]);
  });

  it("verifies with the official standardwebhooks library and with the SDK", async () => {
    const viaStd = new Webhook(endpoint.secret).verify(delivery.body, delivery.headers) as any;
    expect(viaStd.type).toBe("api_key.created");
    expect(viaStd.data.id).toBe(apiKeyId);
    const viaSdk = await verifyWebhook(endpoint.secret, delivery.headers, delivery.body);
    expect(viaSdk).toEqual(viaStd);
    // A fetch Headers object works too (what a Worker receiver has in hand).
    expect((await verifyWebhook(endpoint.secret, new Headers(delivery.headers), delivery.body)).type).toBe("api_key.created");
  });

  it("signs id.timestamp.body with HMAC-SHA256 under the base64-decoded secret", async () => {
    const { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig } = delivery.headers;
    const raw = Uint8Array.from(atob(endpoint.secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
    expect(raw.length).toBe(24);
    const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${ts}.${delivery.body}`)));
    expect(sig).toBe(`v1,${btoa(String.fromCharCode(...mac))}`);
  });

  it("refuses a tampered body (both verifiers)", async () => {
    const tampered = delivery.body.replace('"api_key.created"', '"api_key.revoked"');
    expect(tampered).not.toBe(delivery.body);
    stdRejects(endpoint.secret, delivery.headers, tampered, /No matching signature/);
    await sdkRejects(endpoint.secret, delivery.headers, tampered, "ERR_WEBHOOK_SIGNATURE");
    // One extra byte is enough.
    stdRejects(endpoint.secret, delivery.headers, `${delivery.body} `, /No matching signature/);
    await sdkRejects(endpoint.secret, delivery.headers, `${delivery.body} `, "ERR_WEBHOOK_SIGNATURE");
  });

  it("refuses a changed webhook-id (the id is signed)", async () => {
    const headers = { ...delivery.headers, "webhook-id": "msg_someothermessage000000" };
    stdRejects(endpoint.secret, headers, delivery.body, /No matching signature/);
    await sdkRejects(endpoint.secret, headers, delivery.body, "ERR_WEBHOOK_SIGNATURE");
  });

  it("refuses a wrong secret (both verifiers)", async () => {
    const wrong = otherSecret();
    stdRejects(wrong, delivery.headers, delivery.body, /No matching signature/);
    await sdkRejects(wrong, delivery.headers, delivery.body, "ERR_WEBHOOK_SIGNATURE");
  });

  it("refuses missing headers and a signature of another version", async () => {
    const { "webhook-signature": sig, ...noSignature } = delivery.headers;
    expect(() => new Webhook(endpoint.secret).verify(delivery.body, noSignature)).toThrow(/Missing required headers/);
    await sdkRejects(endpoint.secret, noSignature, delivery.body, "ERR_WEBHOOK_HEADERS");
    const v2 = { ...delivery.headers, "webhook-signature": sig!.replace(/^v1,/, "v2,") };
    stdRejects(endpoint.secret, v2, delivery.body, /No matching signature/);
    await sdkRejects(endpoint.secret, v2, delivery.body, "ERR_WEBHOOK_SIGNATURE");
  });

  it("refuses the captured delivery once it is more than 5 minutes old (both verifiers)", async () => {
    const sentAt = Number(delivery.headers["webhook-timestamp"]) * 1000;
    const sixMinutesLater = new Date(sentAt + 6 * 60_000);
    await sdkRejects(endpoint.secret, delivery.headers, delivery.body, "ERR_WEBHOOK_TIMESTAMP", { now: sixMinutesLater });
    // Four minutes later it is still fine: it is the age, not anything else, that is refused.
    expect((await verifyWebhook(endpoint.secret, delivery.headers, delivery.body, { now: new Date(sentAt + 4 * 60_000) })).type).toBe("api_key.created");

    // standardwebhooks reads the real clock: move it.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(sentAt + 4 * 60_000);
    expect(() => new Webhook(endpoint.secret).verify(delivery.body, delivery.headers)).not.toThrow();
    vi.setSystemTime(sixMinutesLater);
    stdRejects(endpoint.secret, delivery.headers, delivery.body, /timestamp too old/);
    // The SDK, with no `now`, reads the same (moved) clock.
    await sdkRejects(endpoint.secret, delivery.headers, delivery.body, "ERR_WEBHOOK_TIMESTAMP");
  });

  it("refuses a correctly re-signed message whose timestamp is too old or too far in the future", async () => {
    const id = delivery.headers["webhook-id"]!;
    const resigned = (at: Date) => ({
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(endpoint.secret).sign(id, at, delivery.body),
    });
    const old = resigned(new Date(Date.now() - 6 * 60_000));
    stdRejects(endpoint.secret, old, delivery.body, /timestamp too old/);
    await sdkRejects(endpoint.secret, old, delivery.body, "ERR_WEBHOOK_TIMESTAMP");
    const future = resigned(new Date(Date.now() + 6 * 60_000));
    stdRejects(endpoint.secret, future, delivery.body, /timestamp too new/);
    await sdkRejects(endpoint.secret, future, delivery.body, "ERR_WEBHOOK_TIMESTAMP");
    // The same re-signing with a fresh timestamp passes both: only the age was wrong.
    const fresh = resigned(new Date(Date.now() - 60_000));
    expect((new Webhook(endpoint.secret).verify(delivery.body, fresh) as any).type).toBe("api_key.created");
    expect((await verifyWebhook(endpoint.secret, fresh, delivery.body)).type).toBe("api_key.created");
  });

  it("sends webhook-id = the event id (msg_...), Unix-seconds timestamp and a v1 signature", async () => {
    const h = delivery.headers;
    expect(h["webhook-id"]).toMatch(/^msg_[1-9A-HJ-NP-Za-km-z]{22}$/);
    const [row] = await deliveriesOf(endpoint.id);
    expect(row!.eventId).toBe(h["webhook-id"]);
    expect(h["webhook-timestamp"]).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(h["webhook-timestamp"]) - delivery.at / 1000)).toBeLessThan(60);
    expect(h["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(atob(h["webhook-signature"]!.slice(3))).toHaveLength(32);
    expect(h["content-type"]).toMatch(/^application\/json/);
  });

  it("sends a { type, timestamp, data } body with no secret in it", async () => {
    const body = JSON.parse(delivery.body);
    expect(Object.keys(body).sort()).toEqual(["data", "timestamp", "type"]);
    expect(body.type).toBe("api_key.created");
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(body.data.id).toBe(apiKeyId);
    // api_key.created carries the key's prefix at most, never the sk_ secret.
    expect(apiKeySecret).toMatch(/^sk_/);
    expect(delivery.body).not.toContain(apiKeySecret);
    expect(delivery.body).not.toContain(apiKeySecret.slice(3));
    expect(body.data).not.toHaveProperty("key");
    expect(body.data).not.toHaveProperty("key_hash");
    // Nor the endpoint's own signing secret.
    expect(delivery.body).not.toContain(endpoint.secret.slice("whsec_".length));
  });

  it("license.created carries no license key", async () => {
    const other = await createTenant("wh signatures license");
    try {
      const ep = await createEndpoint(other, uniqueName("sig-lic"), { event_types: ["license.created"] });
      const pol = await (await act("/v1/policies", { token: other.apiKey, body: { name: "p" } })).json<any>();
      const res = await act("/v1/licenses", { token: other.apiKey, body: { policy_id: pol.id } });
      const lic = await res.json<any>();
      expect(res.status, JSON.stringify(lic)).toBe(201);
      expect(lic.key).toMatch(/^lk_/);
      const calls = await received(ep.name);
      expect(calls).toHaveLength(1);
      const event = (await verifyWebhook(ep.secret, calls[0]!.headers, calls[0]!.body)) as any;
      expect(event.type).toBe("license.created");
      expect(event.data.id).toBe(lic.id);
      expect(calls[0]!.body).not.toContain(lic.key);
      expect(calls[0]!.body).not.toContain(lic.key.slice(3));
      expect(event.data).not.toHaveProperty("key");
      expect(event.data).not.toHaveProperty("key_hash");
    } finally {
      await dropEndpoints([other.tenantId]);
    }
  });
});
