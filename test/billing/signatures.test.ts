// verifyBillingSignature in workerd: each provider's good signatures pass, and every way a delivery
// can be wrong gives its exact code (SIGNATURE_MISSING, SIGNATURE_INVALID, SIGNATURE_STALE). The
// agreement with the providers' official SDKs is test/billing/signatures.node.test.ts.
import { describe, expect, it } from "vitest";
import type { BillingProvider } from "../../src/contract/billing";
import { MAX_SIGNATURES, type SignatureCheck, verifyBillingSignature } from "../../src/services/billing/signatures";
import { signLemonSqueezy, signPaddle, signPolar, signStripe } from "./sign";

/** A fixed clock (ms), with a fractional second so rounding is exercised. */
const NOW = 1_900_000_000_250;
const NOW_S = Math.floor(NOW / 1000);
const SECRET = "whsec_test_0123456789abcdef";
const OTHER = "whsec_test_fedcba9876543210";
const BODY = JSON.stringify({ id: "evt_1", type: "invoice.paid", data: { note: "naïve 日本 🎉" } });
const HEX_A = "a".repeat(64);

const verify = (provider: BillingProvider, headers: Record<string, string>, body = BODY, secret = SECRET, now = NOW) =>
  verifyBillingSignature(provider, secret, new Headers(headers), body, now);

function expectRefused(check: SignatureCheck, code: "SIGNATURE_MISSING" | "SIGNATURE_INVALID" | "SIGNATURE_STALE") {
  expect(check).toMatchObject({ ok: false, code });
  if (!check.ok) expect(check.message).not.toContain(SECRET);
}

describe("verifyBillingSignature: Stripe", () => {
  const sig = (h: Record<string, string>) => h["stripe-signature"]!;
  const v1 = async (body = BODY, t = NOW_S, secret = SECRET) => sig(await signStripe(secret, body, t)).split(",v1=")[1]!;

  it("accepts a good signature, and any matching v1 among several (a secret being rolled) next to a v0", async () => {
    expect(await verify("stripe", await signStripe(SECRET, BODY, NOW_S))).toEqual({ ok: true });
    const header = `t=${NOW_S},v1=${await v1(BODY, NOW_S, OTHER)},v1=${await v1()},v0=${HEX_A}`;
    expect(await verify("stripe", { "Stripe-Signature": header })).toEqual({ ok: true });
  });

  it("refuses a wrong secret, a tampered body and a tampered timestamp", async () => {
    expectRefused(await verify("stripe", await signStripe(OTHER, BODY, NOW_S)), "SIGNATURE_INVALID");
    expectRefused(await verify("stripe", await signStripe(SECRET, BODY, NOW_S), `${BODY} `), "SIGNATURE_INVALID");
    expectRefused(await verify("stripe", { "stripe-signature": `t=${NOW_S - 1},v1=${await v1()}` }), "SIGNATURE_INVALID");
  });

  it("is stale past 300 s (as stripe-node counts: whole seconds), and accepts a future timestamp as stripe-node does", async () => {
    expect(await verify("stripe", await signStripe(SECRET, BODY, NOW_S - 300))).toEqual({ ok: true });
    expectRefused(await verify("stripe", await signStripe(SECRET, BODY, NOW_S - 301)), "SIGNATURE_STALE");
    expect(await verify("stripe", await signStripe(SECRET, BODY, NOW_S + 86_400))).toEqual({ ok: true });
    // A stale timestamp with a bad signature never passes either.
    expectRefused(await verify("stripe", await signStripe(OTHER, BODY, NOW_S - 3600)), "SIGNATURE_STALE");
  });

  it("refuses a missing or empty header", async () => {
    expectRefused(await verify("stripe", {}), "SIGNATURE_MISSING");
    expectRefused(await verify("stripe", { "stripe-signature": "" }), "SIGNATURE_MISSING");
    expectRefused(await verify("stripe", await signPaddle(SECRET, BODY, NOW_S)), "SIGNATURE_MISSING");
  });

  it("refuses malformed headers without throwing", async () => {
    const good = await v1();
    const malformed = [
      "garbage",
      `v1=${good}`,
      `t=${NOW_S}`,
      `t=${NOW_S},v0=${good}`,
      `t=abc,v1=${good}`,
      `t=-${NOW_S},v1=${good}`,
      `t=0${NOW_S},v1=${good}`,
      `t=${NOW_S},t=${NOW_S},v1=${good}`,
      `t=${NOW_S},v1=${good.toUpperCase()}`,
      `t=${NOW_S},v1=${good.slice(0, 62)}`,
      `t=${NOW_S},v1=${good}00`,
      `t=${NOW_S},v1=${"z".repeat(64)}`,
      `t=${NOW_S} ,v1=${good}`,
      `t=${NOW_S},v1=${good},${"x".repeat(2100)}`,
      `t=${NOW_S},${Array.from({ length: MAX_SIGNATURES + 1 }, () => `v1=${good}`).join(",")}`,
    ];
    for (const header of malformed) expectRefused(await verify("stripe", { "stripe-signature": header }), "SIGNATURE_INVALID");
    // Exactly the limit is fine.
    const eight = `t=${NOW_S},${Array.from({ length: MAX_SIGNATURES - 1 }, () => `v1=${HEX_A}`).join(",")},v1=${good}`;
    expect(await verify("stripe", { "stripe-signature": eight })).toEqual({ ok: true });
  });

  it("refuses everything under a blank secret (a misconfigured connector)", async () => {
    // WebCrypto cannot even sign with an empty key; "  " signs, and is refused all the same.
    expectRefused(await verify("stripe", await signStripe(SECRET, BODY, NOW_S), BODY, ""), "SIGNATURE_INVALID");
    for (const provider of ["stripe", "paddle", "lemonsqueezy", "polar"] as const) {
      const headers = { ...(await signStripe("  ", BODY, NOW_S)), ...(await signPaddle("  ", BODY, NOW_S)), ...(await signLemonSqueezy("  ", BODY, "x")) };
      Object.assign(headers, await signPolar("  ", "msg_1", NOW_S, BODY));
      expectRefused(await verify(provider, headers, BODY, "  "), "SIGNATURE_INVALID");
    }
  });
});

describe("verifyBillingSignature: Paddle", () => {
  const h1 = async (body = BODY, ts = NOW_S, secret = SECRET) => (await signPaddle(secret, body, ts))["paddle-signature"]!.split(";h1=")[1]!;

  it("accepts a good signature, and any matching h1 among several", async () => {
    expect(await verify("paddle", await signPaddle(SECRET, BODY, NOW_S))).toEqual({ ok: true });
    expect(await verify("paddle", { "Paddle-Signature": `ts=${NOW_S};h1=${await h1(BODY, NOW_S, OTHER)};h1=${await h1()}` })).toEqual({ ok: true });
  });

  it("refuses a wrong secret, a tampered body and a tampered timestamp", async () => {
    expectRefused(await verify("paddle", await signPaddle(OTHER, BODY, NOW_S)), "SIGNATURE_INVALID");
    expectRefused(await verify("paddle", await signPaddle(SECRET, BODY, NOW_S), BODY.replace("evt_1", "evt_2")), "SIGNATURE_INVALID");
    expectRefused(await verify("paddle", { "paddle-signature": `ts=${NOW_S - 1};h1=${await h1()}` }), "SIGNATURE_INVALID");
  });

  it("is stale more than 5 s after ts (the SDK's window), and accepts a future ts as the SDK does", async () => {
    // now = ts + 5.25 s is past (ts + 5) * 1000; now = ts + 5 s exactly is not.
    expectRefused(await verify("paddle", await signPaddle(SECRET, BODY, NOW_S - 5)), "SIGNATURE_STALE");
    expect(await verify("paddle", await signPaddle(SECRET, BODY, NOW_S - 5), BODY, SECRET, NOW_S * 1000)).toEqual({ ok: true });
    expect(await verify("paddle", await signPaddle(SECRET, BODY, NOW_S - 4))).toEqual({ ok: true });
    expect(await verify("paddle", await signPaddle(SECRET, BODY, NOW_S + 3600))).toEqual({ ok: true });
    expectRefused(await verify("paddle", await signPaddle(OTHER, BODY, NOW_S - 60)), "SIGNATURE_STALE");
  });

  it("refuses a missing header", async () => {
    expectRefused(await verify("paddle", {}), "SIGNATURE_MISSING");
    expectRefused(await verify("paddle", await signStripe(SECRET, BODY, NOW_S)), "SIGNATURE_MISSING");
  });

  it("refuses malformed headers without throwing", async () => {
    const good = await h1();
    const malformed = [
      "garbage",
      `ts=${NOW_S}`,
      `h1=${good}`,
      `ts=${NOW_S},h1=${good}`,
      `ts=x;h1=${good}`,
      `ts=${NOW_S};ts=${NOW_S};h1=${good}`,
      `ts=${NOW_S};h1=${good.toUpperCase()}`,
      `ts=${NOW_S};h1=${good.slice(1)}`,
      `ts=${NOW_S};h1=${"g".repeat(64)}`,
      `ts=${NOW_S};h1=${good};x=${"y".repeat(2100)}`,
      `ts=${NOW_S};${Array.from({ length: MAX_SIGNATURES + 1 }, () => `h1=${good}`).join(";")}`,
    ];
    for (const header of malformed) expectRefused(await verify("paddle", { "paddle-signature": header }), "SIGNATURE_INVALID");
  });
});

describe("verifyBillingSignature: Lemon Squeezy", () => {
  it("accepts a good signature and returns X-Event-Name", async () => {
    expect(await verify("lemonsqueezy", await signLemonSqueezy(SECRET, BODY, "subscription_updated"))).toEqual({ ok: true, eventName: "subscription_updated" });
    const { "x-signature": signature } = await signLemonSqueezy(SECRET, BODY, "x");
    expect(await verify("lemonsqueezy", { "X-Signature": signature! })).toEqual({ ok: true });
  });

  it("has no timestamp: the same delivery verifies at any time (replays are absorbed by idempotency)", async () => {
    expect(await verify("lemonsqueezy", await signLemonSqueezy(SECRET, BODY, "order_created"), BODY, SECRET, NOW + 86_400_000)).toMatchObject({ ok: true });
  });

  it("refuses a wrong secret, a tampered body, a missing header and malformed signatures", async () => {
    const headers = await signLemonSqueezy(SECRET, BODY, "order_created");
    expectRefused(await verify("lemonsqueezy", await signLemonSqueezy(OTHER, BODY, "order_created")), "SIGNATURE_INVALID");
    expectRefused(await verify("lemonsqueezy", headers, `${BODY}\n`), "SIGNATURE_INVALID");
    expectRefused(await verify("lemonsqueezy", { "x-event-name": "order_created" }), "SIGNATURE_MISSING");
    const good = headers["x-signature"]!;
    for (const bad of ["garbage", good.toUpperCase(), good.slice(2), `${good}0`, `sha256=${good}`, "0".repeat(2049)]) {
      expectRefused(await verify("lemonsqueezy", { "x-signature": bad }), "SIGNATURE_INVALID");
    }
  });
});

/** Standard Webhooks signing with any key (what a `whsec_` secret's decoded bytes sign). */
async function polarSignature(key: Uint8Array, id: string, ts: number, body = BODY) {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(`${id}.${ts}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

describe("verifyBillingSignature: Polar", () => {
  const ID = "msg_2f1a0b3c";

  it("accepts a good signature and returns webhook-id as the event id", async () => {
    expect(await verify("polar", await signPolar(SECRET, ID, NOW_S, BODY))).toEqual({ ok: true, eventId: ID });
    const other = (await signPolar(OTHER, ID, NOW_S, BODY))["webhook-signature"]!;
    const headers = { ...(await signPolar(SECRET, ID, NOW_S, BODY)) };
    headers["webhook-signature"] = `v2,${HEX_A} ${other} ${headers["webhook-signature"]}`;
    expect(await verify("polar", headers)).toEqual({ ok: true, eventId: ID });
  });

  it("accepts the Standard Webhooks key too: a whsec_ secret's base64-decoded bytes (as @polar-sh/sdk 1.0 does)", async () => {
    const raw = crypto.getRandomValues(new Uint8Array(24));
    const secret = `whsec_${btoa(String.fromCharCode(...raw))}`;
    const headers = { "webhook-id": ID, "webhook-timestamp": String(NOW_S), "webhook-signature": await polarSignature(raw, ID, NOW_S) };
    expect(await verify("polar", headers, BODY, secret)).toEqual({ ok: true, eventId: ID });
    // ...and the UTF-8 bytes of that same secret.
    expect(await verify("polar", await signPolar(secret, ID, NOW_S, BODY), BODY, secret)).toEqual({ ok: true, eventId: ID });
    // The SDK decodes a secret without the prefix too, when it is base64.
    expect(await verify("polar", headers, BODY, btoa(String.fromCharCode(...raw)))).toEqual({ ok: true, eventId: ID });
    // A secret that is not base64 (Polar's polar_whs_… form) has its UTF-8 key only.
    expectRefused(await verify("polar", headers, BODY, "polar_whs_abc-def"), "SIGNATURE_INVALID");
  });

  it("refuses a wrong secret, a tampered body, id or timestamp", async () => {
    const headers = await signPolar(SECRET, ID, NOW_S, BODY);
    expectRefused(await verify("polar", await signPolar(OTHER, ID, NOW_S, BODY)), "SIGNATURE_INVALID");
    expectRefused(await verify("polar", headers, BODY.replace("paid", "void")), "SIGNATURE_INVALID");
    expectRefused(await verify("polar", { ...headers, "webhook-id": "msg_other" }), "SIGNATURE_INVALID");
    expectRefused(await verify("polar", { ...headers, "webhook-timestamp": String(NOW_S + 1) }), "SIGNATURE_INVALID");
  });

  it("is stale more than 300 s away either way (fractional now, as the SDK compares)", async () => {
    // NOW is .250 past NOW_S: NOW_S - 300 is 300.25 s old, NOW_S + 300 is 299.75 s ahead.
    expectRefused(await verify("polar", await signPolar(SECRET, ID, NOW_S - 300, BODY)), "SIGNATURE_STALE");
    expect(await verify("polar", await signPolar(SECRET, ID, NOW_S - 299, BODY))).toMatchObject({ ok: true });
    expect(await verify("polar", await signPolar(SECRET, ID, NOW_S + 300, BODY))).toMatchObject({ ok: true });
    expectRefused(await verify("polar", await signPolar(SECRET, ID, NOW_S + 301, BODY)), "SIGNATURE_STALE");
    expectRefused(await verify("polar", await signPolar(OTHER, ID, NOW_S - 3600, BODY)), "SIGNATURE_STALE");
  });

  it("refuses when any of the three headers is missing", async () => {
    const headers = await signPolar(SECRET, ID, NOW_S, BODY);
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      const { [name]: _, ...rest } = headers;
      expectRefused(await verify("polar", rest), "SIGNATURE_MISSING");
    }
  });

  it("refuses malformed headers without throwing", async () => {
    const headers = await signPolar(SECRET, ID, NOW_S, BODY);
    const good = headers["webhook-signature"]!;
    const malformedSignatures = [
      "garbage",
      good.slice(3),
      `v2,${good.slice(3)}`,
      `v1,${good.slice(3, -4)}`,
      "v1,!!!!",
      "v1,",
      `v1;${good.slice(3)}`,
      `v1,${good.slice(3)}${"A".repeat(2100)}`,
      Array.from({ length: MAX_SIGNATURES + 1 }, () => good).join(" "),
    ];
    for (const signature of malformedSignatures) expectRefused(await verify("polar", { ...headers, "webhook-signature": signature }), "SIGNATURE_INVALID");
    for (const timestamp of ["soon", `${NOW_S}.5`, `0${NOW_S}`, "-1", `${NOW_S}e0`]) {
      expectRefused(await verify("polar", { ...headers, "webhook-timestamp": timestamp }), "SIGNATURE_INVALID");
    }
    expectRefused(await verify("polar", { ...headers, "webhook-id": "i".repeat(2049) }), "SIGNATURE_INVALID");
    // Exactly the limit, the good one last, is fine.
    expect(
      await verify("polar", { ...headers, "webhook-signature": [...Array.from({ length: MAX_SIGNATURES - 1 }, () => "v1,AAAA"), good].join(" ") }),
    ).toMatchObject({
      ok: true,
    });
  });
});
