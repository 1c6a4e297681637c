// SSRF: webhook URLs must be public https on port 443, checked at registration (POST and PATCH)
// and again at send time; redirects are never followed.
//
// The test worker runs with WEBHOOK_ALLOW_LOOPBACK "true" (the local receiver is on 127.0.0.1),
// which admits http(s)://127.0.0.1 | localhost | [::1] on any port and nothing else: the loopback
// cases are therefore checked with WEBHOOK_ALLOW_LOOPBACK "false", as in production.
import { describe, expect, it } from "vitest";
import { callWithEnv, expectError, json } from "../harness";
import { act, attemptsOf, createEndpoint, deliveriesOf, trackedTenants, emitApiKeyCreated, program, received, receiverUrl, uniqueName } from "./helpers";

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

  it("PATCH applies the same guard", async () => {
    const t = await tenant("wh ssrf patch");
    const ep = await createEndpoint(t, uniqueName("ssrf-patch"));
    for (const url of ["https://169.254.169.254/latest/meta-data", "https://10.0.0.1/", "ftp://example.com/"]) {
      await expectError(await act(`/v1/webhooks/${ep.id}`, { method: "PATCH", token: t.apiKey, body: { url } }), 422, "VALIDATION_FAILED");
    }
    await expectError(await callWithEnv(PRODUCTION, `/v1/webhooks/${ep.id}`, { method: "PATCH", token: t.apiKey, body: { url: "https://127.0.0.1/" } }), 422, "VALIDATION_FAILED");
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
});
