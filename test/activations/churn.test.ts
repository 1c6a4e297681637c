// The churn budget: a policy may cap client deactivations per window. Time moves through the
// worker's own clock (fake Date in this isolate), never by sleeping.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, expectError, json, type TestTenant } from "../harness";
import { type AdminLicense, activate, activationRows, deactivate, fakeClock, newLicense, seatState } from "./helpers";

const WINDOW = 3600;

let tenant: TestTenant;
const { at } = fakeClock();

beforeAll(async () => {
  tenant = await createTenant("activations churn");
});

async function licenseWithDevices(n: number): Promise<AdminLicense> {
  const license = await newLicense(tenant, { max_activations: 10, max_deactivations: 2, deactivation_window_s: WINDOW });
  for (let i = 1; i <= n; i++) {
    const res = await activate(license.key, `device-${i}`);
    expect(res.status).toBe(201);
  }
  return license;
}

describe("max_deactivations 2 per 3600 s", () => {
  describe("POST /v1/licenses/deactivate (deactivateDevice)", () => {
    it("the third client deactivation in the window answers 429 DEACTIVATION_LIMIT_REACHED with Retry-After, and keeps the seat", async () => {
      const license = await licenseWithDevices(3);
      at(10);
      expect((await deactivate(license.key, "device-1")).status).toBe(200);
      at(20);
      expect((await deactivate(license.key, "device-2")).status).toBe(200);

      at(30);
      const refused = await deactivate(license.key, "device-3");
      const retryAfter = refused.headers.get("Retry-After");
      const error = await expectError(refused, 429, "DEACTIVATION_LIMIT_REACHED");
      // The oldest deactivation in the window (t=10) leaves it at t=10+3600: 3580 s from t=30.
      expect(retryAfter).toBe(String(WINDOW - 20));
      expect(error.details).toMatchObject({ max_deactivations: 2, window_s: WINDOW, retry_after_s: WINDOW - 20 });
      expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 3 });

      // Still refused just before the window has passed, allowed once it has.
      at(10 + WINDOW - 1);
      const stillRefused = await deactivate(license.key, "device-3");
      expect(stillRefused.headers.get("Retry-After")).toBe("1");
      await expectError(stillRefused, 429, "DEACTIVATION_LIMIT_REACHED");
      at(10 + WINDOW);
      expect((await deactivate(license.key, "device-3")).status).toBe(200);
      expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 3 });
    });

    it("counts deactivations of re-activated fingerprints too (a device cannot churn in place)", async () => {
      const license = await licenseWithDevices(1);
      expect((await deactivate(license.key, "device-1")).status).toBe(200);
      expect((await activate(license.key, "device-1")).status).toBe(201);
      expect((await deactivate(license.key, "device-1")).status).toBe(200);
      expect((await activate(license.key, "device-1")).status).toBe(201);
      await expectError(await deactivate(license.key, "device-1"), 429, "DEACTIVATION_LIMIT_REACHED");
    });

    it("without a budget, client deactivations are unlimited", async () => {
      const license = await newLicense(tenant, { max_activations: 10 });
      for (let i = 0; i < 6; i++) {
        expect((await activate(license.key, "device-1")).status).toBe(201);
        expect((await deactivate(license.key, "device-1")).status).toBe(200);
      }
    });
  });

  describe("DELETE /v1/licenses/{id}/activations/{activation_id} (releaseActivation) and DELETE /v1/licenses/{id}/activations (releaseAllActivations)", () => {
    it("admin DELETE of activations is not limited, and does not spend the client budget", async () => {
      const license = await licenseWithDevices(5);
      expect((await deactivate(license.key, "device-1")).status).toBe(200);
      expect((await deactivate(license.key, "device-2")).status).toBe(200);
      await expectError(await deactivate(license.key, "device-3"), 429, "DEACTIVATION_LIMIT_REACHED");

      const rows = await activationRows(license.id);
      const device3 = rows.find((r) => r.fingerprint === "device-3" && !r.deactivatedAt)!;
      const one = await call(`/v1/licenses/${license.id}/activations/${device3.id}`, { token: tenant.apiKey, method: "DELETE" });
      expect(one.status, await one.clone().text()).toBe(200);
      expect((await json(one)).data.map((a: any) => a.id)).toEqual([device3.id]);

      const all = await call(`/v1/licenses/${license.id}/activations`, { token: tenant.apiKey, method: "DELETE" });
      expect(all.status).toBe(200);
      expect((await json(all)).data.map((a: any) => a.fingerprint).sort()).toEqual(["device-4", "device-5"]);
      expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 5 });
      const reasons = (await activationRows(license.id)).map((r) => [r.fingerprint, r.deactivationReason]).sort();
      expect(reasons).toEqual([
        ["device-1", "client"],
        ["device-2", "client"],
        ["device-3", "admin"],
        ["device-4", "admin"],
        ["device-5", "admin"],
      ]);

      // Admin releases did not spend the budget: a fresh license's admin releases leave both client deactivations.
      const fresh = await licenseWithDevices(4);
      expect((await call(`/v1/licenses/${fresh.id}/activations`, { token: tenant.apiKey, method: "DELETE" })).status).toBe(200);
      for (const fp of ["device-1", "device-2"]) expect((await activate(fresh.key, fp)).status).toBe(201);
      expect((await deactivate(fresh.key, "device-1")).status).toBe(200);
      expect((await deactivate(fresh.key, "device-2")).status).toBe(200);
    });
  });

  it("the policy refuses a budget without a window, or a window without a budget (422)", async () => {
    for (const body of [{ max_deactivations: 2 }, { deactivation_window_s: 3600 }]) {
      const res = await call("/v1/policies", { token: tenant.apiKey, body: { name: "bad", ...body } });
      await expectError(res, 422, "VALIDATION_FAILED");
    }
  });
});
