import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, json, seedActivation, seedLicense, type TestTenant } from "../harness";

const validateHardware = async (body: Record<string, unknown>) => {
  const res = await call("/v1/licenses/validate-hardware", { body });
  expect(res.status).toBe(200);
  return json(res);
};

describe("POST /v1/licenses/validate-hardware", () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant("hardware tenant");
  });

  it("issues a hardware-bound token for an activated device", async () => {
    const license = await seedLicense(tenant.tenantId);
    await seedActivation(tenant.tenantId, license.licenseId, "device-1");
    const body = await validateHardware({ license_key: license.licenseKey, hwuid: "device-1" });
    expect(body).toMatchObject({ valid: true, code: "VALID" });
    expect(decodeJwt(body.license_token)).toMatchObject({ sub: license.licenseId, hw_bound: true });
  });

  it("answers NOT_ACTIVATED when the license has no live activation", async () => {
    const license = await seedLicense(tenant.tenantId);
    const body = await validateHardware({ license_key: license.licenseKey, hwuid: "device-1" });
    expect(body).toMatchObject({ valid: false, code: "NOT_ACTIVATED" });
    expect(body).not.toHaveProperty("license_token");
  });

  it("answers FINGERPRINT_MISMATCH for a device that is not one of the activations", async () => {
    const license = await seedLicense(tenant.tenantId);
    await seedActivation(tenant.tenantId, license.licenseId, "device-1");
    const body = await validateHardware({ license_key: license.licenseKey, hwuid: "device-2" });
    expect(body).toMatchObject({ valid: false, code: "FINGERPRINT_MISMATCH" });
  });

  it("does not accept a deactivated device", async () => {
    const license = await seedLicense(tenant.tenantId);
    await seedActivation(tenant.tenantId, license.licenseId, "device-1", { deactivatedAt: new Date() });
    const body = await validateHardware({ license_key: license.licenseKey, hwuid: "device-1" });
    expect(body).toMatchObject({ valid: false, code: "NOT_ACTIVATED" });
  });

  it("does not accept another license's activation", async () => {
    const mine = await seedLicense(tenant.tenantId);
    const other = await seedLicense(tenant.tenantId);
    await seedActivation(tenant.tenantId, other.licenseId, "device-1");
    const body = await validateHardware({ license_key: mine.licenseKey, hwuid: "device-1" });
    expect(body.valid).toBe(false);
  });

  it("answers HEARTBEAT_DEAD when the device is later than interval plus grace", async () => {
    const license = await seedLicense(tenant.tenantId, { heartbeatIntervalS: 60, heartbeatGraceS: 30 });
    await seedActivation(tenant.tenantId, license.licenseId, "late", { lastHeartbeatAt: new Date(Date.now() - 91_000) });
    await seedActivation(tenant.tenantId, license.licenseId, "on-time", { lastHeartbeatAt: new Date(Date.now() - 60_000) });
    expect(await validateHardware({ license_key: license.licenseKey, hwuid: "late" })).toMatchObject({ valid: false, code: "HEARTBEAT_DEAD" });
    expect(await validateHardware({ license_key: license.licenseKey, hwuid: "on-time" })).toMatchObject({ valid: true });
  });

  it("still checks the license status first", async () => {
    const license = await seedLicense(tenant.tenantId, { status: "revoked" });
    await seedActivation(tenant.tenantId, license.licenseId, "device-1");
    expect(await validateHardware({ license_key: license.licenseKey, hwuid: "device-1" })).toMatchObject({ code: "REVOKED" });
  });

  it("requires hwuid", async () => {
    const license = await seedLicense(tenant.tenantId);
    const res = await call("/v1/licenses/validate-hardware", { body: { license_key: license.licenseKey } });
    expect(res.status).toBe(422);
  });
});

describe("hardware-bound policies on validate and verify", () => {
  it("require the fingerprint of an activated device", async () => {
    const tenant = await createTenant("hw policy tenant");
    const license = await seedLicense(tenant.tenantId, { bindingMode: "hardware" });
    await seedActivation(tenant.tenantId, license.licenseId, "device-1");
    const post = async (path: string, body: Record<string, unknown>) => json(await call(path, { body }));
    expect(await post("/v1/licenses/validate", { license_key: license.licenseKey, fingerprint: "device-1" })).toMatchObject({ valid: true });
    expect(await post("/v1/licenses/validate", { license_key: license.licenseKey, fingerprint: "device-9" })).toMatchObject({ code: "FINGERPRINT_MISMATCH" });
    const verified = await post("/v1/licenses/verify", { license_key: license.licenseKey, fingerprint: "device-1" });
    expect(decodeJwt(verified.license_token).hw_bound).toBe(true);
    expect(await post("/v1/licenses/verify", { license_key: license.licenseKey })).toMatchObject({ valid: false });
  });
});
