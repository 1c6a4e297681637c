// Domain and IP binding: canonical domains (case, trailing dot, IDN), look-alikes refused, invalid
// hosts refused at activation, and CIDR allowlists on CF-Connecting-IP.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, expectError, json, type TestTenant } from "../harness";
import { type AdminLicense, activate, newLicense, seatState, validate, verify } from "./helpers";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("activations binding");
});

describe("domain binding", () => {
  let site: AdminLicense;
  /** A domain-bound license that nothing ever manages to activate. */
  let empty: AdminLicense;
  beforeAll(async () => {
    empty = await newLicense(tenant, { binding_mode: "domain", max_activations: 10 });
    site = await newLicense(tenant, { binding_mode: "domain", max_activations: 10 });
    const res = await activate(site.key, "site-1", { domain: "example.com" });
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await json(res)).activation.domain).toBe("example.com");
  });

  it("requires `domain` at activation (422, nothing written)", async () => {
    const license = await newLicense(tenant, { binding_mode: "domain", max_activations: 10 });
    const error = await expectError(await activate(license.key, "site-x"), 422, "VALIDATION_FAILED");
    expect(JSON.stringify(error.details)).toContain("domain");
    expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 0 });
  });

  it("answers NOT_ACTIVATED for a domain-bound license with no activation", async () => {
    const license = await newLicense(tenant, { binding_mode: "domain", max_activations: 10 });
    expect(await validate({ license_key: license.key, domain: "example.com" })).toMatchObject({
      valid: false,
      code: expect.stringMatching(/^(NOT_ACTIVATED|DOMAIN_MISMATCH)$/),
    });
    expect(await validate({ license_key: license.key })).toMatchObject({ valid: false, code: "NOT_ACTIVATED" });
  });

  it.each(["example.com", "Example.COM.", "EXAMPLE.COM", "example.com.", " example.com "])("%j matches the activation of example.com", async (domain) => {
    expect(await validate({ license_key: site.key, domain })).toMatchObject({ valid: true, code: "VALID" });
  });

  it("issues a token for the activated domain", async () => {
    const body = await verify({ license_key: site.key, domain: "Example.COM." });
    expect(body).toMatchObject({ valid: true, code: "VALID" });
    expect(body.license_token).toEqual(expect.any(String));
  });

  it("re-activating the same fingerprint with another spelling of the domain is the same activation", async () => {
    const res = await activate(site.key, "site-1", { domain: "EXAMPLE.com." });
    expect(res.status).toBe(200);
    expect((await json(res)).activation.domain).toBe("example.com");
  });

  it.each([
    "example.com.evil.com",
    "evil-example.com",
    "example.co",
    "sub.example.com",
    "www.example.com",
    "example.comm",
    "ample.com",
    "xn--exmple-cua.com",
    "\u0435xample.com", // Cyrillic е: a homograph, punycoded to something else
  ])("look-alike %j answers DOMAIN_MISMATCH", async (domain) => {
    const body = await validate({ license_key: site.key, domain });
    expect(body).toMatchObject({ valid: false, code: "DOMAIN_MISMATCH" });
    const verified = await verify({ license_key: site.key, domain });
    expect(verified).toMatchObject({ valid: false, code: "DOMAIN_MISMATCH" });
    expect(verified).not.toHaveProperty("license_token");
  });

  it("answers DOMAIN_MISMATCH, not NOT_ACTIVATED, when an activated site license is validated without a (valid) domain", async () => {
    // The license does have a live activation (example.com): "The license has no activated device"
    // would be false. evaluateLicense means DOMAIN_MISMATCH here (liveActivations > 0).
    expect(await validate({ license_key: site.key })).toMatchObject({ valid: false, code: "DOMAIN_MISMATCH" });
    expect(await validate({ license_key: site.key, domain: "exa mple.com" })).toMatchObject({ valid: false, code: "DOMAIN_MISMATCH" });
  });

  it("matches an IDN to its punycode form, both ways", async () => {
    const unicode = await newLicense(tenant, { binding_mode: "domain", max_activations: 10 });
    const a = await activate(unicode.key, "site-u", { domain: "bücher.example" });
    expect(a.status, await a.clone().text()).toBe(201);
    expect((await json(a)).activation.domain).toBe("xn--bcher-kva.example");
    for (const domain of ["xn--bcher-kva.example", "bücher.example", "BÜCHER.example.", "XN--BCHER-KVA.EXAMPLE"]) {
      expect(await validate({ license_key: unicode.key, domain }), domain).toMatchObject({ valid: true, code: "VALID" });
    }
    expect(await validate({ license_key: unicode.key, domain: "bucher.example" })).toMatchObject({ valid: false, code: "DOMAIN_MISMATCH" });

    const puny = await newLicense(tenant, { binding_mode: "domain", max_activations: 10 });
    const b = await activate(puny.key, "site-p", { domain: "xn--bcher-kva.example" });
    expect(b.status).toBe(201);
    expect(await validate({ license_key: puny.key, domain: "bücher.example" })).toMatchObject({ valid: true, code: "VALID" });
  });

  it.each([
    "exa mple.com",
    "http://example.com",
    "example.com:443",
    "example.com/",
    "user@example.com",
    "exa%6Dple.com",
    "example..com",
    "-example.com",
    "example.com\\evil.com",
    "[::1]",
  ])("invalid host %j is refused at activation (422) and does not validate", async (domain) => {
    const license = empty;
    const error = await expectError(await activate(license.key, "site-bad", { domain }), 422, "VALIDATION_FAILED");
    expect(JSON.stringify(error.details)).toContain("domain");
    expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 0 });
    expect((await validate({ license_key: license.key, domain })).valid).toBe(false);
    // Nor does it validate against a license whose example.com activation it imitates.
    const imitation = await validate({ license_key: site.key, domain });
    expect(imitation.valid).toBe(false);
    expect(imitation.code).not.toBe("VALID");
  });
});

describe("IP binding", () => {
  let license: AdminLicense;
  const CIDRS = ["203.0.113.0/24", "2001:db8::/32"];
  beforeAll(async () => {
    license = await newLicense(tenant, { binding_mode: "ip", max_activations: 10 }, { allowed_cidrs: CIDRS });
    expect(license.body.allowed_cidrs).toEqual(CIDRS);
  });

  const check = (ip?: string) => validate({ license_key: license.key }, ip === undefined ? undefined : { "CF-Connecting-IP": ip });

  it.each(["203.0.113.7", "203.0.113.0", "203.0.113.255", "2001:db8::1", "2001:DB8:ffff::abcd", "2001:0db8:0000:0000:0000:0000:0000:0001"])(
    "%s is allowed",
    async (ip) => {
      expect(await check(ip)).toMatchObject({ valid: true, code: "VALID" });
    },
  );

  it.each(["198.51.100.1", "203.0.114.7", "203.0.112.255", "2001:db9::1", "::1", "10.0.0.1", "203.0.113.7, 10.0.0.1", "not-an-ip", ""])(
    "%j answers IP_NOT_ALLOWED",
    async (ip) => {
      expect(await check(ip)).toMatchObject({ valid: false, code: "IP_NOT_ALLOWED" });
    },
  );

  it("answers IP_NOT_ALLOWED without CF-Connecting-IP, and verify issues no token", async () => {
    expect(await check()).toMatchObject({ valid: false, code: "IP_NOT_ALLOWED" });
    const verified = await verify({ license_key: license.key }, { "CF-Connecting-IP": "198.51.100.1" });
    expect(verified).toMatchObject({ valid: false, code: "IP_NOT_ALLOWED" });
    expect(verified).not.toHaveProperty("license_token");
    const allowed = await verify({ license_key: license.key }, { "CF-Connecting-IP": "203.0.113.7" });
    expect(allowed.license_token).toEqual(expect.any(String));
  });

  it("activates from an allowed IP and refuses a disallowed or missing one with 403 IP_NOT_ALLOWED (nothing written)", async () => {
    const fresh = await newLicense(tenant, { binding_mode: "ip", max_activations: 10 }, { allowed_cidrs: CIDRS });
    const ok = await activate(fresh.key, "device-ok", {}, { "CF-Connecting-IP": "203.0.113.7" });
    expect(ok.status, await ok.clone().text()).toBe(201);
    const ok6 = await activate(fresh.key, "device-ok6", {}, { "CF-Connecting-IP": "2001:db8::1" });
    expect(ok6.status).toBe(201);
    await expectError(await activate(fresh.key, "device-bad", {}, { "CF-Connecting-IP": "198.51.100.1" }), 403, "IP_NOT_ALLOWED");
    await expectError(await activate(fresh.key, "device-none"), 403, "IP_NOT_ALLOWED");
    expect(await seatState(fresh.id)).toEqual({ stored: 2, live: 2, total: 2 });
  });

  it("refuses invalid CIDRs when the license is created (422)", async () => {
    for (const cidr of ["203.0.113.0/33", "2001:db8::/129", "300.0.0.0/8", "example.com"]) {
      const res = await call("/v1/licenses", { token: tenant.apiKey, body: { policy_id: license.policyId, allowed_cidrs: [cidr] } });
      await expectError(res, 422, "VALIDATION_FAILED");
    }
  });
});
