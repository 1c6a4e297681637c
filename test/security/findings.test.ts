// Regression tests for what an outside review (as an integrator and as an attacker who reads the
// code) found, one `describe` per finding, each failing on the code before its fix. Findings with
// suites of their own are tested there: credentials (test/api-keys/lifecycle.security),
// revocation retention and key retirement (test/tokens), redaction and request ids
// (test/foundation), SSRF (test/webhooks/ssrf), the audit chain (test/audit-log/tamper), lone
// surrogates and replays (test/activations), static asset headers (test/e2e/docs).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callWithEnv, createTenant, expectError, insertApiKey, json, seedActivation, seedLicense } from "../harness";

const limiters = env as unknown as Record<"RL_TEST_PUBLIC_IP", RateLimit>;

describe("unbounded recursion over client input (an unauthenticated 500)", () => {
  // ~14 KB: 7,000 nested arrays, inside the 16 KB body limit. A recursive shape check overflowed the stack.
  const deep = `${"[".repeat(7000)}${"]".repeat(7000)}`;

  it("answers 422 to activate with 7,000 nested arrays in metadata, writing nothing", async () => {
    const t = await createTenant("deep metadata");
    const license = await seedLicense(t.tenantId);
    const res = await call("/v1/licenses/activate", {
      rawBody: `{"license_key":"${license.licenseKey}","fingerprint":"deep","metadata":{"a":${deep}}}`,
      headers: { "Content-Type": "application/json" },
    });
    const error = await expectError(res, 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "metadata", message: "Metadata may nest at most 4 levels." }]);
  });

  it("answers 422 to a license created with the same metadata", async () => {
    const t = await createTenant("deep license metadata");
    const license = await seedLicense(t.tenantId);
    const res = await call("/v1/licenses", {
      token: t.apiKey,
      rawBody: `{"policy_id":"${license.policyId}","metadata":{"a":${deep}}}`,
      headers: { "Content-Type": "application/json" },
    });
    await expectError(res, 422, "VALIDATION_FAILED");
    expect((await json(await call("/v1/licenses", { token: t.apiKey }))).data).toHaveLength(1);
  });
});

describe("webhook subscriptions read past permissions", () => {
  it("refuses a webhooks:write-only key every event, and each event type whose data it may not read", async () => {
    const t = await createTenant("webhook reader");
    const writer = await insertApiKey(t.tenantId, { permissions: ["webhooks:write"] });
    const create = (token: string, event_types?: string[]) =>
      call("/v1/webhooks", { token, body: { url: "https://example.com/hook", ...(event_types ? { event_types } : {}) } });
    const all = await expectError(await create(writer.secret), 403, "FORBIDDEN");
    expect(all.details).toEqual({
      missing_permissions: ["licenses:read", "activations:read", "api_keys:read", "metrics:read", "customers:read", "users:read", "groups:read"],
    });
    await expectError(await create(writer.secret, ["license.created"]), 403, "FORBIDDEN");
    await expectError(await create(writer.secret, ["api_key.created"]), 403, "FORBIDDEN");
    const licenseWatcher = await insertApiKey(t.tenantId, { permissions: ["webhooks:write", "licenses:read"] });
    expect((await create(licenseWatcher.secret, ["license.created", "token.revoked"])).status).toBe(201);
    await expectError(await create(licenseWatcher.secret, ["license.created", "activation.created"]), 403, "FORBIDDEN");
    expect((await json(await call("/v1/webhooks", { token: t.apiKey }))).data).toHaveLength(1);
  });

  it("refuses to point an existing endpoint at a new URL without the read permissions of its events", async () => {
    const t = await createTenant("webhook redirect");
    const endpoint = await json(await call("/v1/webhooks", { token: t.apiKey, body: { url: "https://example.com/hook" } }));
    const writer = await insertApiKey(t.tenantId, { permissions: ["webhooks:write", "webhooks:read"] });
    await expectError(
      await call(`/v1/webhooks/${endpoint.id}`, { token: writer.secret, method: "PATCH", body: { url: "https://attacker.example/steal" } }),
      403,
      "FORBIDDEN",
    );
    expect((await json(await call(`/v1/webhooks/${endpoint.id}`, { token: t.apiKey }))).url).toBe("https://example.com/hook");
    // Turning it off needs no read permission.
    expect((await call(`/v1/webhooks/${endpoint.id}`, { token: writer.secret, method: "PATCH", body: { enabled: false } })).status).toBe(200);
  });
});

describe("concurrent webhook secret rotation", () => {
  it("rotates six times in parallel without a 404 for an endpoint that exists", async () => {
    const t = await createTenant("rotate race");
    const endpoint = await json(await call("/v1/webhooks", { token: t.apiKey, body: { url: "https://example.com/hook" } }));
    const responses = await Promise.all(Array.from({ length: 6 }, () => call(`/v1/webhooks/${endpoint.id}/rotate-secret`, { token: t.apiKey, body: {} })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const secrets = await Promise.all(responses.map(async (r) => (await json(r)).secret as string));
    expect(new Set(secrets).size).toBe(6);
  });
});

describe("the issuer never comes from the Host header", () => {
  it("keeps the configured ISSUER whatever Host the request names", async () => {
    const t = await createTenant("issuer host");
    const license = await seedLicense(t.tenantId);
    const headers = { Host: "evil.example", "X-Forwarded-Host": "evil.example" };
    const verified = await json(await callWithEnv({}, "/v1/licenses/verify", { body: { license_key: license.licenseKey }, headers }));
    expect(verified.license_jwks_uri).toBe("https://license.test/v1/licenses/jwks");
    const discovery = await json(await callWithEnv({}, "/.well-known/license-configuration", { headers }));
    expect(discovery.issuer).toBe("https://license.test");
    expect(JSON.stringify(discovery)).not.toContain("evil.example");
  });

  it("refuses to issue tokens or publish discovery without an ISSUER (503), rather than use the request's origin", async () => {
    const t = await createTenant("no issuer");
    const license = await seedLicense(t.tenantId);
    const unconfigured = { ISSUER: "" };
    const error = await expectError(
      await callWithEnv(unconfigured, "/v1/licenses/verify", { body: { license_key: license.licenseKey } }),
      503,
      "SERVICE_UNAVAILABLE",
    );
    expect(error.message).toContain("ISSUER");
    await expectError(await callWithEnv(unconfigured, "/.well-known/license-configuration"), 503, "SERVICE_UNAVAILABLE");
    // What needs no issuer keeps working: the key set and plain validation.
    expect((await callWithEnv(unconfigured, "/v1/licenses/jwks")).status).toBe(200);
    expect((await json(await callWithEnv(unconfigured, "/v1/licenses/validate", { body: { license_key: license.licenseKey } }))).valid).toBe(true);
  });
});

describe("the activations list, GET /v1/licenses/{id}/activations (listActivations), ignored `limit`", () => {
  it("pages with the same cursors as every other list", async () => {
    const t = await createTenant("activation pages");
    const license = await seedLicense(t.tenantId, { maxActivations: null });
    for (const device of ["a", "b", "c"]) await seedActivation(t.tenantId, license.licenseId, device);
    const first = await json(await call(`/v1/licenses/${license.licenseId}/activations?limit=2`, { token: t.apiKey }));
    expect(first.data.map((a: { fingerprint: string }) => a.fingerprint)).toEqual(["c", "b"]);
    expect(first.has_more).toBe(true);
    const second = await json(await call(`/v1/licenses/${license.licenseId}/activations?limit=2&starting_after=${first.next_cursor}`, { token: t.apiKey }));
    expect(second).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.data.map((a: { fingerprint: string }) => a.fingerprint)).toEqual(["a"]);
  });
});

describe("one IP cycling through license keys", () => {
  it("meets a per-IP ceiling across keys (429 with Retry-After), while other IPs are unaffected", async () => {
    // The per-key limiter stays high; the per-IP one is the test limiter (8 per window).
    const overrides = { RL_PUBLIC_IP: limiters.RL_TEST_PUBLIC_IP };
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 20}`;
    const guess = (from: string) =>
      callWithEnv(overrides, "/v1/licenses/validate", {
        body: { license_key: `lk_${crypto.randomUUID().replaceAll("-", "").slice(0, 40)}` },
        headers: { "CF-Connecting-IP": from },
      });
    let limited: Response | undefined;
    // Windows are fixed and clock-aligned: one roll-over may reset the count once.
    for (let i = 0; i < 17 && !limited; i++) {
      const res = await guess(ip);
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    const error = await expectError(limited!, 429, "RATE_LIMITED");
    expect(error.message).toBe("Too many requests (per IP); retry after the window resets.");
    expect(limited!.headers.get("Retry-After")).toBe("60");
    expect(limited!.headers.get("RateLimit-Policy")).toBe("600;w=60");
    expect((await guess("203.0.113.77")).status).toBe(200);
  });
});
