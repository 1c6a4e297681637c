// SSRF: webhook URLs must be public https on port 443, checked at registration (POST and PATCH)
// and again at send time; redirects are never followed.
//
// The test worker runs with WEBHOOK_ALLOW_LOOPBACK "true" (the local receiver is on 127.0.0.1),
// which admits http(s)://127.0.0.1 | localhost | [::1] on any port and nothing else: the loopback
// cases are therefore checked with WEBHOOK_ALLOW_LOOPBACK "false", as in production.

import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookEndpoints } from "../../src/db/schema";
import { webhookUrlProblem } from "../../src/services/ssrf";
import { callWithEnv, expectError, json, withDb } from "../harness";
import { act, attemptsOf, createEndpoint, deliveriesOf, emitApiKeyCreated, program, received, receiverUrl, trackedTenants, uniqueName } from "./helpers";

const PRODUCTION = { WEBHOOK_ALLOW_LOOPBACK: "false" } as const;

const tenant = trackedTenants();

const REFUSED_ANYWHERE = [
  "http://169.254.169.254/",
  "https://169.254.169.254/latest/meta-data",
  "https://10.0.0.1/",
  "https://192.168.1.1/",
  "https://172.16.0.1/",
  "https://100.64.0.1/",
  "https://0.0.0.0/",
  "https://[fd00::1]/",
  "https://[fe80::1]/",
  "https://[::ffff:169.254.169.254]/",
  "https://metadata.google.internal/",
  "https://metadata.google.internal./",
  "https://example.com:8443/",
  "https://example.com:80/",
  "http://example.com/",
  "ftp://example.com/",
  "https://user:pass@example.com/",
  "https://user@example.com/",
  "not a url",
];

const LOOPBACK = [
  "https://127.0.0.1/",
  "https://[::1]/",
  "https://localhost/",
  "http://127.0.0.1/",
  "https://127.0.0.2/",
  "https://127.1/",
  "https://2130706433/",
  "https://0x7f000001/",
  "https://[::ffff:127.0.0.1]/",
  "https://api.localhost/",
  "https://localhost./",
];

const RESERVED = "the host is a private, loopback, link-local or reserved address";

/**
 * IP literals that are not globally reachable unicast (IANA special-purpose registries), many of
 * them spelling 169.254.169.254 (metadata) or 127.0.0.1 inside an IPv6 address.
 */
const SPECIAL_ADDRESSES: [url: string, why: string][] = [
  ["https://[::]/", "unspecified"],
  ["https://[::1]/", "loopback"],
  ["https://[::a9fe:a9fe]/", "IPv4-compatible 169.254.169.254"],
  ["https://[::127.0.0.1]/", "IPv4-compatible 127.0.0.1 (parsed as [::7f00:1])"],
  ["https://[::ffff:127.0.0.1]/", "IPv4-mapped 127.0.0.1"],
  ["https://[::ffff:a9fe:a9fe]/", "IPv4-mapped 169.254.169.254, hex"],
  ["https://[::ffff:0:a9fe:a9fe]/", "IPv4-translated, RFC 2765"],
  ["https://[64:ff9b::a9fe:a9fe]/", "well-known NAT64, RFC 6052"],
  ["https://[64:ff9b:1::a9fe:a9fe]/", "local-use NAT64, RFC 8215"],
  ["https://[2002:a9fe:a9fe::1]/", "6to4 of 169.254.169.254"],
  ["https://[2002:7f00:1::]/", "6to4 of 127.0.0.1"],
  ["https://[2002:c0a8:101::1]/", "6to4 of 192.168.1.1"],
  ["https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo, 2001::/32"],
  ["https://[2001:2::1]/", "benchmarking, 2001:2::/48"],
  ["https://[2001:1ff:ffff::1]/", "last block of 2001::/23"],
  ["https://[2001:db8::1]/", "documentation, 2001:db8::/32"],
  ["https://[3fff::1]/", "documentation, 3fff::/20 (RFC 9637)"],
  ["https://[100::1]/", "discard, 100::/64"],
  ["https://[5f00::1]/", "SRv6 SIDs, 5f00::/16"],
  ["https://[fc00::1]/", "unique local"],
  ["https://[fe80::1]/", "link-local"],
  ["https://[fec0::1]/", "deprecated site-local"],
  ["https://[ff02::1]/", "multicast"],
  ["https://2852039166/", "decimal 169.254.169.254"],
  ["https://0xa9fea9fe/", "hex 169.254.169.254"],
  ["https://0251.0376.0251.0376/", "octal 169.254.169.254"],
  ["https://192.0.0.1/", "IETF protocol assignments, 192.0.0.0/24"],
  ["https://192.31.196.1/", "AS112-v4"],
  ["https://192.52.193.1/", "AMT"],
  ["https://192.88.99.1/", "deprecated 6to4 relay anycast"],
  ["https://192.175.48.1/", "AS112 direct delegation"],
  ["https://198.18.0.1/", "benchmarking, 198.18.0.0/15"],
  ["https://198.51.100.1/", "documentation, TEST-NET-2"],
  ["https://224.0.0.1/", "multicast"],
  ["https://240.0.0.1/", "reserved, 240.0.0.0/4"],
  ["https://255.255.255.255/", "limited broadcast"],
];

/** Public addresses, including the ones next to refused blocks and 6to4 of a public IPv4. */
const PUBLIC_URLS = [
  "https://[2606:4700:4700::1111]/",
  "https://1.1.1.1/",
  "https://[2002:0101:0101::1]/",
  "https://example.com/",
  "https://[2001:200::1]/",
  "https://[3fff:1000::1]/",
  "https://223.255.255.255/",
];

describe("webhook URL guard at registration", () => {
  it.each(REFUSED_ANYWHERE)("refuses %s (even with loopback allowed)", async (url) => {
    const t = await tenant("wh ssrf");
    for (const overrides of [{}, PRODUCTION]) {
      const res = await callWithEnv(overrides, "/v1/webhooks", { token: t.apiKey, body: { url } });
      const error = await expectError(res, 422, "VALIDATION_FAILED");
      expect(JSON.stringify(error.details)).toContain("url");
    }
    const list = await json(await act("/v1/webhooks", { token: t.apiKey }));
    expect(list.data).toEqual([]);
  });

  it.each(LOOPBACK)("refuses loopback %s when loopback is not allowed (production)", async (url) => {
    const t = await tenant("wh ssrf loopback");
    const res = await callWithEnv(PRODUCTION, "/v1/webhooks", { token: t.apiKey, body: { url } });
    await expectError(res, 422, "VALIDATION_FAILED");
  });

  it("accepts a public https URL (the control case)", async () => {
    const t = await tenant("wh ssrf ok");
    for (const url of ["https://example.com/hooks", "https://example.com:443/hooks", "https://93.184.216.34/hooks"]) {
      const res = await callWithEnv(PRODUCTION, "/v1/webhooks", { token: t.apiKey, body: { url, enabled: false } });
      expect(res.status, url).toBe(201);
    }
  });

  it.each(SPECIAL_ADDRESSES)("refuses %s (%s): POST answers 422 and the guard names the reason", async (url) => {
    expect(webhookUrlProblem(url)).toBe(RESERVED);
    const t = await tenant("wh ssrf special");
    const res = await callWithEnv(PRODUCTION, "/v1/webhooks", { token: t.apiKey, body: { url } });
    const error = await expectError(res, 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "url", message: RESERVED }]);
    const list = await json(await act("/v1/webhooks", { token: t.apiKey }));
    expect(list.data).toEqual([]);
  });

  it("allowing loopback admits [::1] and none of the other special addresses", () => {
    const admitted = SPECIAL_ADDRESSES.map(([url]) => url).filter((url) => webhookUrlProblem(url, { allowLoopback: true }) === undefined);
    expect(admitted).toEqual(["https://[::1]/"]);
  });

  it.each(PUBLIC_URLS)("accepts the public %s", async (url) => {
    expect(webhookUrlProblem(url)).toBeUndefined();
    const t = await tenant("wh ssrf public");
    const res = await callWithEnv(PRODUCTION, "/v1/webhooks", { token: t.apiKey, body: { url, enabled: false } });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.url).toBe(url);
  });

  it("PATCH applies the same guard", async () => {
    const t = await tenant("wh ssrf patch");
    const ep = await createEndpoint(t, uniqueName("ssrf-patch"));
    for (const url of ["https://169.254.169.254/latest/meta-data", "https://10.0.0.1/", "ftp://example.com/"]) {
      await expectError(await act(`/v1/webhooks/${ep.id}`, { method: "PATCH", token: t.apiKey, body: { url } }), 422, "VALIDATION_FAILED");
    }
    await expectError(
      await callWithEnv(PRODUCTION, `/v1/webhooks/${ep.id}`, { method: "PATCH", token: t.apiKey, body: { url: "https://127.0.0.1/" } }),
      422,
      "VALIDATION_FAILED",
    );
    const shown = await json(await act(`/v1/webhooks/${ep.id}`, { token: t.apiKey }));
    expect(shown.url).toBe(receiverUrl(ep.name));
  });
});

describe("webhook URL guard at send time", () => {
  it("does not follow a redirect: the attempt records the 3xx with an error, the target gets nothing", async () => {
    const t = await tenant("wh redirect");
    const ep = await createEndpoint(t, uniqueName("redirect"));
    const target = uniqueName("redirect-target");
    await program(ep.name, { redirect: receiverUrl(target) });
    await emitApiKeyCreated(t);

    expect(await received(ep.name)).toHaveLength(1);
    expect(await received(target)).toHaveLength(0);
    const [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 302 });
    expect(d!.lastError).toMatch(/redirect/i);
    const [a] = await attemptsOf(d!.id);
    expect(a).toMatchObject({ attempt: 1, statusCode: 302 });
    expect(a!.error).toMatch(/redirect/i);
  });

  it("checks the URL again before sending: a loopback endpoint is refused when loopback is not allowed", async () => {
    const t = await tenant("wh send guard");
    // Registered while loopback was allowed...
    const ep = await createEndpoint(t, uniqueName("send-guard"));
    // ...then an event is delivered by a worker that does not allow it.
    await emitApiKeyCreated(t, PRODUCTION);
    expect(await received(ep.name)).toHaveLength(0);
    const [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
    expect(d!.lastError).toMatch(/^url refused/);
    const [a] = await attemptsOf(d!.id);
    expect(a).toMatchObject({ attempt: 1, statusCode: null });
    expect(a!.error).toMatch(/^url refused/);
  });

  // Registration refuses these, so the stored URL is changed underneath, as a row written before
  // this guard existed would be.
  it.each(["https://[::a9fe:a9fe]/", "https://[::ffff:0:a9fe:a9fe]/", "https://[2002:a9fe:a9fe::1]/", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/"])(
    "checks the URL again before sending: a stored %s is refused, even with loopback allowed",
    async (url) => {
      const t = await tenant("wh send guard v6");
      const ep = await createEndpoint(t, uniqueName("send-guard-v6"));
      await withDb((db) =>
        db
          .update(webhookEndpoints)
          .set({ url })
          .where(eq(webhookEndpoints.id, ep.id))
          .then(() => undefined),
      );
      await emitApiKeyCreated(t);
      expect(await received(ep.name)).toHaveLength(0);
      const [d] = await deliveriesOf(ep.id);
      expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: `url refused: ${RESERVED}` });
      const [a] = await attemptsOf(d!.id);
      expect(a).toMatchObject({ attempt: 1, statusCode: null, error: `url refused: ${RESERVED}` });
    },
  );
});
