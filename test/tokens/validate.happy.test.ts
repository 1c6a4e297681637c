import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, json, seedLicense, type TestTenant } from "../harness";

const validate = async (body: Record<string, unknown>) => {
  const res = await call("/v1/licenses/validate", { body });
  return { status: res.status, body: await json(res) };
};

describe("POST /v1/licenses/validate", () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant("validate tenant");
  });

  it("answers VALID with the license summary", async () => {
    const license = await seedLicense(tenant.tenantId, { plan: "team", features: ["a", "b"] });
    const { status, body } = await validate({ license_key: license.licenseKey });
    expect(status).toBe(200);
    expect(body).toMatchObject({ valid: true, code: "VALID", license: { id: license.licenseId, status: "active", plan: "team", features: ["a", "b"] } });
    expect(new Date(body.license.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect(body).not.toHaveProperty("license_token");
  });

  it("answers an unknown key and a malformed key identically (no oracle)", async () => {
    const unknown = await validate({ license_key: `lk_${"A".repeat(40)}` });
    const malformed = await validate({ license_key: "not-a-key' OR 1=1 --" });
    expect(unknown.status).toBe(200);
    expect(malformed.status).toBe(200);
    expect(unknown.body).toEqual({ valid: false, code: "NOT_FOUND", message: expect.any(String), license: null });
    expect(malformed.body).toEqual(unknown.body);
  });

  it.each([
    ["suspended", { status: "suspended" as const }, "SUSPENDED"],
    ["revoked", { status: "revoked" as const }, "REVOKED"],
    ["expired", { expiresAt: new Date(Date.now() - 1000) }, "EXPIRED"],
  ])("answers %s licenses with valid: false and %s", async (_name, state, code) => {
    const license = await seedLicense(tenant.tenantId, state);
    const { status, body } = await validate({ license_key: license.licenseKey });
    expect(status).toBe(200);
    expect(body.valid).toBe(false);
    expect(body.code).toBe(code);
    expect(body.license.id).toBe(license.licenseId);
  });

  it("reports an expired license's status as expired", async () => {
    const license = await seedLicense(tenant.tenantId, { expiresAt: new Date(Date.now() - 1000) });
    const { body } = await validate({ license_key: license.licenseKey });
    expect(body.license.status).toBe("expired");
  });

  it("answers PRODUCT_MISMATCH for another application's id, VALID for its own", async () => {
    const license = await seedLicense(tenant.tenantId);
    const other = await validate({ license_key: license.licenseKey, application_id: "app_someoneelse" });
    expect(other.body).toMatchObject({ valid: false, code: "PRODUCT_MISMATCH" });
    const own = await validate({ license_key: license.licenseKey, application_id: license.applicationId });
    expect(own.body).toMatchObject({ valid: true, code: "VALID" });
  });

  it("treats a license without an application as not belonging to any application", async () => {
    const license = await seedLicense(tenant.tenantId, { applicationId: null });
    const { body } = await validate({ license_key: license.licenseKey, application_id: "app_x" });
    expect(body.code).toBe("PRODUCT_MISMATCH");
  });

  it("refuses unknown fields and wrong types with the error envelope", async () => {
    const license = await seedLicense(tenant.tenantId);
    const extra = await validate({ license_key: license.licenseKey, status: "active" });
    expect(extra.status).toBe(422);
    expect(extra.body.error.code).toBe("VALIDATION_FAILED");
    const wrongType = await validate({ license_key: 42 });
    expect(wrongType.status).toBe(422);
    const missing = await validate({});
    expect(missing.status).toBe(422);
    expect(missing.body.error.request_id).toMatch(/^req_/);
  });
});
