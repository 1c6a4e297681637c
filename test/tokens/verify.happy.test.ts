import { exports } from "cloudflare:workers";
import { createLicenseVerifier } from "@edge-license/sdk";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, call, createTenant, issueToken, json, seedLicense, type TestTenant } from "../harness";

const SPEC_CLAIMS = [
  "iss",
  "sub",
  "aud",
  "exp",
  "iat",
  "nbf",
  "jti",
  "token_use",
  "lc_vt",
  "seller_tier",
  "status",
  "hw_bound",
  "plan",
  "features",
  "license_exp",
].sort();

describe("POST /v1/licenses/verify", () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant("verify tenant", "enterprise");
  });

  it("issues an RS256 token with kid and typ and exactly the spec's claims", async () => {
    const license = await seedLicense(tenant.tenantId, { plan: "pro", features: ["export"] });
    const { token, body } = await issueToken(license.licenseKey);
    expect(body).toMatchObject({ valid: true, code: "VALID", license_jwks_uri: `${BASE}/v1/licenses/jwks` });
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: "RS256", kid: expect.any(String), typ: "license+jwt" });
    const claims = decodeJwt(token);
    expect(Object.keys(claims).sort()).toEqual(SPEC_CLAIMS);
    expect(claims).toMatchObject({
      iss: BASE,
      sub: license.licenseId,
      aud: license.applicationId,
      token_use: "licensechain_license_v1",
      lc_vt: "basic",
      seller_tier: "enterprise",
      status: "active",
      hw_bound: false,
      plan: "pro",
      features: ["export"],
    });
    expect(claims.nbf).toBe(claims.iat);
    expect(new Date(body.license_token_expires_at).getTime()).toBe(claims.exp! * 1000);
  });

  it("gives every issuance its own jti", async () => {
    const license = await seedLicense(tenant.tenantId);
    const a = decodeJwt((await issueToken(license.licenseKey)).token);
    const b = decodeJwt((await issueToken(license.licenseKey)).token);
    expect(a.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.jti).not.toBe(b.jti);
  });

  it.each([
    ["basic", 15 * 60],
    ["advanced", 60 * 60],
    ["custom", 24 * 60 * 60],
  ] as const)("gives %s tokens a lifetime of %i seconds", async (tier, seconds) => {
    const license = await seedLicense(tenant.tenantId, { tokenTier: tier, expiresAt: null });
    const claims = decodeJwt((await issueToken(license.licenseKey)).token);
    expect(claims.lc_vt).toBe(tier);
    expect(claims.exp! - claims.iat!).toBe(seconds);
    expect(claims).not.toHaveProperty("license_exp");
  });

  it("never lets a token outlive its license (license_exp caps exp)", async () => {
    const expiresAt = new Date(Date.now() + 10 * 60 * 1000);
    const license = await seedLicense(tenant.tenantId, { tokenTier: "custom", expiresAt });
    const claims = decodeJwt((await issueToken(license.licenseKey)).token);
    expect(claims.license_exp).toBe(Math.floor(expiresAt.getTime() / 1000));
    expect(claims.exp).toBe(claims.license_exp);
  });

  it("names the tenant as aud when the license has no application: aud is never absent", async () => {
    const license = await seedLicense(tenant.tenantId, { applicationId: null });
    const { token } = await issueToken(license.licenseKey);
    expect(decodeJwt(token).aud).toBe(tenant.tenantId);
    // The seller's app verifies it with its tenant id as the audience.
    const fetch = (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input as RequestInfo, init));
    const verifier = createLicenseVerifier({ issuer: BASE, jwksUri: `${BASE}/v1/licenses/jwks`, audience: tenant.tenantId, fetch });
    expect((await verifier.verify(token)).sub).toBe(license.licenseId);
  });

  it("issues no token for an invalid license", async () => {
    const license = await seedLicense(tenant.tenantId, { status: "suspended" });
    const res = await call("/v1/licenses/verify", { body: { license_key: license.licenseKey } });
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ valid: false, code: "SUSPENDED" });
    expect(body).not.toHaveProperty("license_token");
  });

  it("produces tokens the offline SDK verifier accepts, with the application as audience", async () => {
    const license = await seedLicense(tenant.tenantId);
    const { token } = await issueToken(license.licenseKey, { application_id: license.applicationId });
    const verifier = createLicenseVerifier({
      issuer: BASE,
      jwksUri: `${BASE}/v1/licenses/jwks`,
      audience: license.applicationId!,
      fetch: (input, init) => exports.default.fetch(new Request(input as RequestInfo, init)),
    });
    const claims = await verifier.verify(token);
    expect(claims.sub).toBe(license.licenseId);
    expect(claims.features).toEqual(["export", "sync"]);
  });
});

describe("GET /.well-known/license-configuration", () => {
  it("describes the issuer, keys, token format and endpoints", async () => {
    const res = await call("/.well-known/license-configuration");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toContain("public");
    expect(await json(res)).toEqual({
      issuer: BASE,
      jwks_uri: `${BASE}/v1/licenses/jwks`,
      token_use: "licensechain_license_v1",
      token_type: "license+jwt",
      token_signing_alg_values_supported: ["RS256"],
      token_lifetimes_s: { basic: 900, advanced: 3600, custom: 86400 },
      validate_endpoint: `${BASE}/v1/licenses/validate`,
      verify_endpoint: `${BASE}/v1/licenses/verify`,
      validate_hardware_endpoint: `${BASE}/v1/licenses/validate-hardware`,
      introspection_endpoint: `${BASE}/v1/licenses/introspect`,
      revocation_endpoint: `${BASE}/v1/licenses/revoke-token`,
      dpop_signing_alg_values_supported: ["ES256", "EdDSA"],
    });
  });
});
