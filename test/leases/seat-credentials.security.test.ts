// No credential outlives the seat it stands for. A released lease's tokens introspect inactive at
// once (by the client, by an admin, by expiry); a device's bound token dies with its activation; a
// borrowed seat is bound to the borrowing device and stays taken (no release, no re-acquire)
// until the borrow ends, and an admin release invalidates its file through the status list.
// Outside findings #3, #4 and #5 of the third round.

import { verifyLicenseFile } from "@edge-license/sdk";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { activate, deactivate, verify } from "../activations/helpers";
import { call, callWithEnv, createTenant, expectError, introspect, json, type TestTenant } from "../harness";
import { pinnedJwks, type Sold, sell } from "../license-files/helpers";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("seat credentials seller");
});

const floating = (extra: Record<string, unknown> = {}) => sell(tenant, { lease_mode: "per_license", max_leases: 1, ...extra });
const lease = (key: string, instanceId: string) => call("/v1/licenses/leases", { body: { license_key: key, instance_id: instanceId } });
const release = (key: string, id: string) => call(`/v1/licenses/leases/${id}`, { method: "DELETE", body: { license_key: key } });
const borrow = (key: string, id: string, fingerprint: string, until: string) =>
  call(`/v1/licenses/leases/${id}/borrow`, { body: { license_key: key, fingerprint, until } });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe("DELETE /v1/licenses/leases/{id} and the admin release", () => {
  it("end the lease's tokens in the same second: introspection answers inactive (lease_ended)", async () => {
    const sold = await floating({ max_leases: 3 });
    const first = await json(await lease(sold.licenseKey, "a"));
    expect((await introspect(tenant.apiKey, first.license_token)).body.active).toBe(true);
    expect((await release(sold.licenseKey, first.lease.id)).status).toBe(200);
    expect((await introspect(tenant.apiKey, first.license_token)).body).toEqual({ active: false, reason: "lease_ended" });

    const second = await json(await lease(sold.licenseKey, "b"));
    const admin = await call(`/v1/licenses/${sold.licenseId}/leases/${second.lease.id}`, { token: tenant.apiKey, method: "DELETE" });
    expect(admin.status).toBe(200);
    expect((await introspect(tenant.apiKey, second.license_token)).body).toEqual({ active: false, reason: "lease_ended" });
  });

  it("leave no live tokens after acquire/release cycles on a one-seat license", async () => {
    const sold = await floating();
    const tokens: string[] = [];
    for (let i = 0; i < 4; i++) {
      const granted = await json(await lease(sold.licenseKey, `cycle-${i}`));
      tokens.push(granted.license_token);
      expect((await release(sold.licenseKey, granted.lease.id)).status).toBe(200);
    }
    const answers = await Promise.all(tokens.map(async (t) => (await introspect(tenant.apiKey, t)).body.active));
    expect(answers).toEqual([false, false, false, false]);
  });

  it("ends a lease's token when the lease lapses at its TTL, though no one released it", async () => {
    const sold = await floating({ lease_ttl_s: 60 });
    const granted = await json(await lease(sold.licenseKey, "crashed"));
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      // Past the lease's end but within the introspection clock tolerance of the token's `exp`.
      vi.setSystemTime(Date.parse(granted.lease.expires_at) + 1_000);
      expect((await introspect(tenant.apiKey, granted.license_token)).body).toEqual({ active: false, reason: "lease_ended" });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a device-bound token", () => {
  it("dies with the activation it stands on: deactivate, and introspection answers activation_released", async () => {
    const sold = await sell(tenant, { binding_mode: "hardware" });
    expect((await activate(sold.licenseKey, "desk-1")).status).toBe(201);
    const token = (await verify({ license_key: sold.licenseKey, fingerprint: "desk-1" })).license_token;
    expect(decodeJwt(token).activation_id).toMatch(/^act_/);
    expect((await introspect(tenant.apiKey, token)).body.active).toBe(true);
    expect((await deactivate(sold.licenseKey, "desk-1")).status).toBe(200);
    expect((await introspect(tenant.apiKey, token)).body).toEqual({ active: false, reason: "activation_released" });
  });
});

describe("POST /v1/licenses/leases/{id}/borrow", () => {
  let sold: Sold;
  let borrowed: any;
  let leaseId: string;
  beforeAll(async () => {
    sold = await floating({ max_borrow_s: 7 * 86_400 });
    leaseId = (await json(await lease(sold.licenseKey, "laptop"))).lease.id;
    const res = await borrow(sold.licenseKey, leaseId, "laptop-fingerprint", inDays(7));
    borrowed = await json(res);
    expect(res.status).toBe(200);
  });

  it("needs the borrowing device's fingerprint, and answers that device's machine file", async () => {
    const other = await json(await lease((await floating()).licenseKey, "x"));
    const res = await call(`/v1/licenses/leases/${other.lease.id}/borrow`, { body: { license_key: sold.licenseKey, until: inDays(1) } });
    expect((await expectError(res, 422, "VALIDATION_FAILED")).details).toEqual([
      { path: "fingerprint", message: "Required: send `fingerprint` (or its alias `hwuid`)." },
    ]);
    const jwks = await pinnedJwks();
    const file = borrowed.license_file.license_file;
    const opened = await verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: "laptop-fingerprint" });
    expect({ machine: opened.machine, lease: opened.claims.lease_id }).toEqual({ machine: true, lease: leaseId });
    await expect(verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: "another-machine" })).rejects.toMatchObject({
      code: "ERR_FILE_WRONG_MACHINE",
    });
  });

  it("holds the seat until `until`: release and re-acquire of the borrowed lease are 409 LEASE_BORROWED, another instance finds no seat", async () => {
    const released = await expectError(await release(sold.licenseKey, leaseId), 409, "LEASE_BORROWED");
    expect(released.details).toEqual({ lease_id: leaseId, borrowed_until: borrowed.lease.borrowed_until });
    await expectError(await lease(sold.licenseKey, "laptop"), 409, "LEASE_BORROWED");
    await expectError(await borrow(sold.licenseKey, leaseId, "laptop-fingerprint", inDays(2)), 409, "LEASE_BORROWED");
    await expectError(await lease(sold.licenseKey, "desktop"), 409, "NO_LEASES_AVAILABLE");
    await expectError(await call(`/v1/licenses/leases/${leaseId}/heartbeat`, { body: { license_key: sold.licenseKey } }), 409, "LEASE_BORROWED");
  });

  it("an admin release frees the seat and marks the borrowed file invalid in the status list", async () => {
    const jwks = await pinnedJwks();
    const file = borrowed.license_file.license_file;
    const ref = (await verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: "laptop-fingerprint" })).claims.status!.status_list;
    const admin = await callWithEnv({}, `/v1/licenses/${sold.licenseId}/leases/${leaseId}`, { token: tenant.apiKey, method: "DELETE" });
    expect(admin.status).toBe(200);
    const list = await (await call(new URL(ref.uri).pathname)).text();
    await expect(verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: "laptop-fingerprint", statusList: list })).rejects.toMatchObject({
      code: "ERR_LICENSE_REVOKED",
    });
    expect((await lease(sold.licenseKey, "desktop")).status).toBe(201);
  });
});
