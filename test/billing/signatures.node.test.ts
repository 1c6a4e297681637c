// Conformance: verifyBillingSignature and the test signers (sign.ts) agree with each provider's
// OFFICIAL library, both ways, on random bodies (fast-check): what the library signs we accept,
// what we sign the library accepts, and what one refuses (tampered, stale) the other refuses too.
// The libraries are not dependencies of the project (stripe alone is 28 MB): scripts/run.mjs's
// ensurePackages("billing-sdks") installs the pinned set into .data/toolchain/billing-sdks once.

// This file runs in Node (the "formats" project), while test/tsconfig.json types the workerd tests.
/// <reference types="node" />
import { execFile } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type SignatureCheck, verifyBillingSignature } from "../../src/services/billing/signatures";
import { signLemonSqueezy, signPaddle, signPolar, signStripe } from "./sign";

interface StripeWebhooks {
  generateTestHeaderString(opts: { payload: string; secret: string; timestamp?: number }): string;
  constructEvent(payload: string, header: string, secret: string, tolerance?: number, cryptoProvider?: undefined, receivedAt?: number): unknown;
}
interface PaddleWebhooks {
  unmarshal(body: string, secret: string, signature: string): Promise<{ eventType: string }>;
  isSignatureValid(body: string, secret: string, signature: string): Promise<boolean>;
}
type PolarValidateEvent = (body: string, headers: Record<string, string>, secret: string) => Promise<{ type: string }>;
interface StandardWebhook {
  sign(msgId: string, timestamp: Date, payload: string): string;
}
type StandardWebhookClass = new (secret: string | Uint8Array, options?: { format: "raw" }) => StandardWebhook;

let stripe: StripeWebhooks;
let paddle: PaddleWebhooks;
let validateEvent: PolarValidateEvent;
let Webhook: StandardWebhookClass;

beforeAll(async () => {
  // In a child process: the first install takes a while, and this worker's event loop must keep answering vitest.
  const runMjs = fileURLToPath(new URL("../../scripts/run.mjs", import.meta.url));
  const script = `import { ensurePackages } from ${JSON.stringify(runMjs)}; process.stdout.write(ensurePackages("billing-sdks"));`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { maxBuffer: 16 << 20 });
  if (stderr) process.stderr.write(stderr);
  const require = createRequire(join(stdout.trim().split("\n").at(-1)!, "package.json"));
  const Stripe = require("stripe");
  stripe = new Stripe("sk_test_conformance").webhooks;
  const { Paddle } = require("@paddle/paddle-node-sdk");
  paddle = new Paddle("pdl_sdbx_apikey_conformance").webhooks;
  // The API version only picks the payload types; every version shares one verifier (src/webhooks.ts).
  validateEvent = require("@polar-sh/sdk/2027-01").webhooks.validateEvent;
  ({ Webhook } = require("standardwebhooks"));
}, 300_000);

const encoder = new TextEncoder();
const verify = (provider: Parameters<typeof verifyBillingSignature>[0], secret: string, headers: Record<string, string>, body: string, now: number) =>
  verifyBillingSignature(provider, secret, new Headers(headers), body, now);
const refused = (check: SignatureCheck) => (check.ok ? null : check.code);
/** Whether a call throws or rejects: the official libraries refuse that way. */
const accepts = async (call: () => unknown) =>
  Promise.resolve()
    .then(call)
    .then(
      () => true,
      () => false,
    );

/** JSON bodies with any Unicode in their strings (Stripe's constructEvent parses the payload). */
const jsonBody = fc.json({ stringUnit: "binary", maxDepth: 3 });
/** Secrets as the dashboards show them, and any other non-blank text. */
const secret = fc.oneof(
  fc.string({ unit: "binary-ascii", minLength: 16, maxLength: 40 }).map((s) => `whsec_${s.replace(/\s/g, "x")}`),
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((s) => /\S/.test(s)),
);
const NOW_S = Math.floor(Date.now() / 1000);

describe("Stripe: stripe@23.1.0 webhooks", () => {
  it("what stripe-node signs (generateTestHeaderString) we accept; what we sign constructEvent accepts", async () => {
    await fc.assert(
      fc.asyncProperty(secret, jsonBody, fc.integer({ min: -300, max: 3600 }), async (key, body, offset) => {
        const t = NOW_S - offset;
        const theirs = stripe.generateTestHeaderString({ payload: body, secret: key, timestamp: t });
        expect(await verify("stripe", key, { "stripe-signature": theirs }, body, NOW_S * 1000)).toEqual(
          offset <= 300 ? { ok: true } : expect.objectContaining({ code: "SIGNATURE_STALE" }),
        );
        const ours = (await signStripe(key, body, t))["stripe-signature"]!;
        expect(ours).toBe(theirs);
        expect(await accepts(() => stripe.constructEvent(body, ours, key, 300, undefined, NOW_S * 1000))).toBe(offset <= 300);
      }),
    );
  });

  it("both refuse a tampered body, a wrong secret and a stale timestamp, and both accept a future one", async () => {
    await fc.assert(
      fc.asyncProperty(secret, secret, jsonBody, jsonBody, async (key, otherKey, body, otherBody) => {
        fc.pre(body !== otherBody && key !== otherKey);
        const at = (t: number) => ({ header: stripe.generateTestHeaderString({ payload: body, secret: key, timestamp: t }), now: NOW_S * 1000 });
        const cases = [
          { body: otherBody, key, ...at(NOW_S), code: "SIGNATURE_INVALID" },
          { body, key: otherKey, ...at(NOW_S), code: "SIGNATURE_INVALID" },
          { body, key, ...at(NOW_S - 301), code: "SIGNATURE_STALE" },
          { body, key, ...at(NOW_S + 86_400), code: null },
        ];
        for (const c of cases) {
          expect(refused(await verify("stripe", c.key, { "stripe-signature": c.header }, c.body, c.now))).toBe(c.code);
          expect(await accepts(() => stripe.constructEvent(c.body, c.header, c.key, 300, undefined, c.now))).toBe(c.code === null);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe("Paddle: @paddle/paddle-node-sdk@3.10.0 webhooks", () => {
  // The SDK reads the real clock: pin it, so its 5-second window cannot close mid-test on a busy machine.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW_S * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("the SDK accepts what we sign; we accept what Paddle's documented recipe (node:crypto) signs", async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.string({ unit: "binary" }), fc.integer({ min: -3600, max: 5 }), async (key, body, age) => {
        const ts = NOW_S - age;
        const ours = (await signPaddle(key, body, ts))["paddle-signature"]!;
        expect(await paddle.isSignatureValid(body, key, ours)).toBe(true);
        const documented = `ts=${ts};h1=${createHmac("sha256", key).update(`${ts}:${body}`).digest("hex")}`;
        expect(documented).toBe(ours);
        expect(await verify("paddle", key, { "paddle-signature": documented }, body, Date.now())).toEqual({ ok: true });
      }),
    );
    const event = JSON.stringify({
      event_id: "evt_01",
      event_type: "conformance.check",
      occurred_at: "2026-01-01T00:00:00Z",
      notification_id: "ntf_01",
      data: {},
    });
    const signature = (await signPaddle("pdl_ntfset_secret", event, NOW_S))["paddle-signature"]!;
    expect((await paddle.unmarshal(event, "pdl_ntfset_secret", signature)).eventType).toBe("conformance.check");
  });

  it("both refuse a tampered body, a wrong secret and a timestamp over 5 s old, and both accept a future one", async () => {
    await fc.assert(
      fc.asyncProperty(secret, secret, fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), async (key, otherKey, body, otherBody) => {
        fc.pre(body !== otherBody && key !== otherKey);
        const header = async (ts: number) => (await signPaddle(key, body, ts))["paddle-signature"]!;
        const cases = [
          { body: otherBody, key, header: await header(NOW_S), code: "SIGNATURE_INVALID" },
          { body, key: otherKey, header: await header(NOW_S), code: "SIGNATURE_INVALID" },
          { body, key, header: await header(NOW_S - 6), code: "SIGNATURE_STALE" },
          { body, key, header: await header(NOW_S + 3600), code: null },
        ];
        for (const c of cases) {
          expect(refused(await verify("paddle", c.key, { "paddle-signature": c.header }, c.body, Date.now()))).toBe(c.code);
          expect(await paddle.isSignatureValid(c.body, c.key, c.header)).toBe(c.code === null);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe("Polar: @polar-sh/sdk@1.0.1 validateEvent and standardwebhooks@1.1.1", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW_S * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const polarEvent = (data: string) => `{"type":"subscription.updated","data":${data}}`;
  const msgId = fc.stringMatching(/^msg_[0-9A-Za-z]{8,27}$/);

  it("validateEvent accepts what signPolar signs, and we accept it with webhook-id as the event id", async () => {
    await fc.assert(
      fc.asyncProperty(secret, msgId, jsonBody, fc.integer({ min: -300, max: 300 }), async (key, id, data, offset) => {
        const body = polarEvent(data);
        const headers = await signPolar(key, id, NOW_S + offset, body);
        expect((await validateEvent(body, headers, key)).type).toBe("subscription.updated");
        expect(await verify("polar", key, headers, body, Date.now())).toEqual({ ok: true, eventId: id });
      }),
    );
  });

  it("we accept what standardwebhooks signs with Polar's key (SDK 0.x: new Webhook(base64(secret)), i.e. the secret's UTF-8 bytes)", async () => {
    await fc.assert(
      fc.asyncProperty(secret, msgId, fc.string({ unit: "binary" }), async (key, id, body) => {
        const signature = new Webhook(Buffer.from(key, "utf8").toString("base64")).sign(id, new Date(NOW_S * 1000), body);
        const headers = { "webhook-id": id, "webhook-timestamp": String(NOW_S), "webhook-signature": signature };
        expect(headers).toEqual(await signPolar(key, id, NOW_S, body));
        expect(await verify("polar", key, headers, body, Date.now())).toEqual({ ok: true, eventId: id });
      }),
    );
  });

  it("the key derivation agrees: for any secret, a signature under each candidate key is accepted by both or by neither", async () => {
    const secrets = fc.oneof(
      secret,
      // The Standard Webhooks form, and bare base64: the SDK also tries the decoded bytes of these.
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => `whsec_${Buffer.from(b).toString("base64")}`),
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b).toString("base64").replace(/=+$/, "")),
    );
    let decodedAccepted = 0;
    await fc.assert(
      fc.asyncProperty(secrets, msgId, jsonBody, async (key, id, data) => {
        const body = polarEvent(data);
        const utf8 = encoder.encode(key);
        // Buffer's lenient base64 makes candidates; whether a key is tried is for the two verifiers to agree on.
        const decoded = new Uint8Array(Buffer.from(key.startsWith("whsec_") ? key.slice(6) : key, "base64"));
        for (const candidate of [utf8, decoded, randomBytes(32)]) {
          if (candidate.length === 0) continue;
          const signature = new Webhook(candidate, { format: "raw" }).sign(id, new Date(NOW_S * 1000), body);
          const headers = { "webhook-id": id, "webhook-timestamp": String(NOW_S), "webhook-signature": signature };
          const ours = (await verify("polar", key, headers, body, Date.now())).ok;
          expect(ours, `secret ${JSON.stringify(key)}`).toBe(await accepts(() => validateEvent(body, headers, key)));
          if (candidate === utf8) expect(ours).toBe(true);
          if (candidate === decoded && ours && !Buffer.from(decoded).equals(Buffer.from(utf8))) decodedAccepted++;
        }
      }),
    );
    // The second key was really exercised, not only refused by both.
    expect(decodedAccepted).toBeGreaterThan(10);
  });

  it("both refuse a tampered body, id or timestamp, a wrong secret, and a timestamp over 300 s away either way", async () => {
    await fc.assert(
      fc.asyncProperty(secret, secret, msgId, jsonBody, jsonBody, async (key, otherKey, id, data, otherData) => {
        fc.pre(data !== otherData && key !== otherKey);
        const body = polarEvent(data);
        const good = await signPolar(key, id, NOW_S, body);
        const cases = [
          { body: polarEvent(otherData), key, headers: good, code: "SIGNATURE_INVALID" },
          { body, key: otherKey, headers: good, code: "SIGNATURE_INVALID" },
          { body, key, headers: { ...good, "webhook-id": `${id}x` }, code: "SIGNATURE_INVALID" },
          { body, key, headers: { ...good, "webhook-timestamp": String(NOW_S + 1) }, code: "SIGNATURE_INVALID" },
          { body, key, headers: await signPolar(key, id, NOW_S - 301, body), code: "SIGNATURE_STALE" },
          { body, key, headers: await signPolar(key, id, NOW_S + 301, body), code: "SIGNATURE_STALE" },
        ];
        for (const c of cases) {
          expect(refused(await verify("polar", c.key, c.headers, c.body, Date.now()))).toBe(c.code);
          expect(await accepts(() => validateEvent(c.body, c.headers, c.key))).toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe("Lemon Squeezy: the documented node:crypto recipe", () => {
  it("we accept createHmac('sha256', secret).update(rawBody).digest('hex') and return X-Event-Name; tampering is refused", async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        secret,
        fc.string({ unit: "binary" }),
        fc.constantFrom("order_created", "subscription_updated"),
        async (key, otherKey, body, name) => {
          fc.pre(key !== otherKey);
          const documented = createHmac("sha256", key).update(body).digest("hex");
          expect(await signLemonSqueezy(key, body, name)).toEqual({ "x-signature": documented, "x-event-name": name });
          const headers = { "X-Signature": documented, "X-Event-Name": name };
          expect(await verify("lemonsqueezy", key, headers, body, 0)).toEqual({ ok: true, eventName: name });
          expect(refused(await verify("lemonsqueezy", otherKey, headers, body, 0))).toBe("SIGNATURE_INVALID");
          expect(refused(await verify("lemonsqueezy", key, headers, `${body}.`, 0))).toBe("SIGNATURE_INVALID");
        },
      ),
    );
  });
});
