// Heartbeats. Time is moved through the code's own clock: the worker runs in this isolate, so
// faking `Date` here moves its `new Date()` / `Date.now()` too (checked by the first test).

import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, expectError, json, type TestTenant } from "../harness";
import { activate, activationRows, fakeClock, heartbeat, newLicense, seatState, validate, validateHardware, verify } from "./helpers";

const INTERVAL = 600;
const GRACE = 60;

let tenant: TestTenant;
const { at, iso, start } = fakeClock();

beforeAll(async () => {
  tenant = await createTenant("activations heartbeat");
});

const heartbeatPolicy = (extra: Record<string, unknown> = {}) => ({
  binding_mode: "hardware" as const,
  heartbeat_interval_s: INTERVAL,
  heartbeat_grace_s: GRACE,
  max_activations: 2,
  ...extra,
});

describe("the fake clock", () => {
  it("reaches the worker: stored and answered times follow vi.setSystemTime", async () => {
    const license = await newLicense(tenant, heartbeatPolicy());
    const res = await activate(license.key, "clock-probe");
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.activation.created_at).toBe(iso(0));
    expect(body.activation.last_heartbeat_at).toBe(iso(0));
    const [row] = await activationRows(license.id);
    expect(row!.lastHeartbeatAt.getTime()).toBe(start());
  });
});

describe("POST /v1/licenses/heartbeat", () => {
  it("answers next_heartbeat_after = last heartbeat + interval", async () => {
    const license = await newLicense(tenant, heartbeatPolicy());
    const activated = await json(await activate(license.key, "device-1"));
    expect(activated.activation.next_heartbeat_after).toBe(iso(INTERVAL));

    at(250);
    const res = await heartbeat(license.key, "device-1");
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await json(res);
    expect(body.activation.id).toBe(activated.activation.id);
    expect(body.activation.last_heartbeat_at).toBe(iso(250));
    expect(body.next_heartbeat_after).toBe(iso(250 + INTERVAL));
    expect(body.activation.next_heartbeat_after).toBe(iso(250 + INTERVAL));

    const [row] = await activationRows(license.id);
    expect(row!.lastHeartbeatAt.toISOString()).toBe(iso(250));
    const list = await json(await call(`/v1/licenses/${license.id}/activations`, { token: tenant.apiKey }));
    expect(list.data[0].next_heartbeat_after).toBe(iso(250 + INTERVAL));
  });

  it("answers next_heartbeat_after: null without a heartbeat policy, and the device never dies", async () => {
    const license = await newLicense(tenant, { binding_mode: "hardware", max_activations: 1 });
    expect((await activate(license.key, "device-1")).status).toBe(201);
    at(365 * 86400);
    const res = await heartbeat(license.key, "device-1");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.next_heartbeat_after).toBeNull();
    expect(body.activation.next_heartbeat_after).toBeNull();
    expect((await validate({ license_key: license.key, fingerprint: "device-1" })).code).toBe("VALID");
  });

  it("keeps a device alive across many intervals while it keeps beating", async () => {
    const license = await newLicense(tenant, heartbeatPolicy());
    expect((await activate(license.key, "device-1")).status).toBe(201);
    for (let i = 1; i <= 5; i++) {
      at(i * (INTERVAL + GRACE - 1));
      const res = await heartbeat(license.key, "device-1");
      expect(res.status, await res.clone().text()).toBe(200);
    }
    at(5 * (INTERVAL + GRACE - 1) + INTERVAL);
    expect((await validate({ license_key: license.key, fingerprint: "device-1" })).code).toBe("VALID");
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });
  });

  it("answers 404 ACTIVATION_NOT_FOUND for a device that was never activated", async () => {
    const license = await newLicense(tenant, heartbeatPolicy());
    await expectError(await heartbeat(license.key, "stranger"), 404, "ACTIVATION_NOT_FOUND");
    expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 0 });
  });
});

describe("a device late past interval + grace", () => {
  it("is still alive exactly at interval + grace, and dead one millisecond later", async () => {
    const license = await newLicense(tenant, heartbeatPolicy());
    expect((await activate(license.key, "device-1")).status).toBe(201);

    at(INTERVAL + GRACE);
    expect((await validate({ license_key: license.key, fingerprint: "device-1" })).code).toBe("VALID");
    expect((await validateHardware(license.key, "device-1")).code).toBe("VALID");

    at(INTERVAL + GRACE + 0.001);
    expect((await validate({ license_key: license.key, fingerprint: "device-1" })).code).toBe("HEARTBEAT_DEAD");
  });

  it("makes validate (with the fingerprint), verify and validate-hardware answer HEARTBEAT_DEAD, with no token", async () => {
    const license = await newLicense(tenant, heartbeatPolicy());
    expect((await activate(license.key, "device-1")).status).toBe(201);

    at(INTERVAL - 1);
    const before = await validateHardware(license.key, "device-1");
    expect(before).toMatchObject({ valid: true, code: "VALID" });
    expect(decodeJwt(before.license_token).hw_bound).toBe(true);

    at(INTERVAL + GRACE + 1);
    const validated = await validate({ license_key: license.key, fingerprint: "device-1" });
    expect(validated).toMatchObject({ valid: false, code: "HEARTBEAT_DEAD", license: { id: license.id } });
    const hardware = await validateHardware(license.key, "device-1");
    expect(hardware).toMatchObject({ valid: false, code: "HEARTBEAT_DEAD" });
    expect(hardware).not.toHaveProperty("license_token");
    const verified = await verify({ license_key: license.key, fingerprint: "device-1" });
    expect(verified).toMatchObject({ valid: false, code: "HEARTBEAT_DEAD" });
    expect(verified).not.toHaveProperty("license_token");
  });

  it("gets 409 HEARTBEAT_DEAD on heartbeat, and its seat is released", async () => {
    const license = await newLicense(tenant, heartbeatPolicy());
    const first = await json(await activate(license.key, "device-1"));

    at(INTERVAL + GRACE + 1);
    await expectError(await heartbeat(license.key, "device-1"), 409, "HEARTBEAT_DEAD");
    expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 1 });
    const [row] = await activationRows(license.id);
    expect(row!.deactivationReason).toBe("heartbeat");
    expect(row!.deactivatedAt!.toISOString()).toBe(iso(INTERVAL + GRACE + 1));

    // Released: nothing left to beat for, until it activates again (a new activation).
    await expectError(await heartbeat(license.key, "device-1"), 404, "ACTIVATION_NOT_FOUND");
    const again = await activate(license.key, "device-1");
    expect(again.status).toBe(201);
    expect((await json(again)).activation.id).not.toBe(first.activation.id);
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 2 });
  });

  it("no longer holds a seat: a new device activates on a license at its limit once the old one is dead", async () => {
    const license = await newLicense(tenant, heartbeatPolicy({ max_activations: 1 }));
    expect((await activate(license.key, "old-device")).status).toBe(201);

    at(INTERVAL);
    await expectError(await activate(license.key, "new-device"), 409, "TOO_MANY_ACTIVATIONS");

    at(INTERVAL + GRACE + 1);
    const res = await activate(license.key, "new-device");
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 2 });
    const old = (await activationRows(license.id)).find((r) => r.fingerprint === "old-device")!;
    expect(old.deactivatedAt!.toISOString()).toBe(iso(INTERVAL + GRACE + 1));
    expect(old.deactivationReason).toBe("heartbeat");

    // The old device has lost its seat; the new one holds it.
    expect((await validateHardware(license.key, "old-device")).code).toBe("FINGERPRINT_MISMATCH");
    expect((await validateHardware(license.key, "new-device")).code).toBe("VALID");
  });

  it("holds its seat up to and including the instant interval + grace (consistent with validate)", async () => {
    const license = await newLicense(tenant, heartbeatPolicy({ max_activations: 1 }));
    expect((await activate(license.key, "old-device")).status).toBe(201);

    at(INTERVAL + GRACE);
    // At this instant validation still calls the old device alive ...
    expect((await validate({ license_key: license.key, fingerprint: "old-device" })).code).toBe("VALID");
    // ... so it still holds the only seat.
    await expectError(await activate(license.key, "new-device"), 409, "TOO_MANY_ACTIVATIONS");
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });
  });

  it("re-activating a dead fingerprint gives a fresh activation instead of reviving the dead one", async () => {
    const license = await newLicense(tenant, heartbeatPolicy());
    const first = await json(await activate(license.key, "device-1"));
    at(INTERVAL + GRACE + 5);
    const res = await activate(license.key, "device-1");
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.activation.id).not.toBe(first.activation.id);
    expect(body.activation.last_heartbeat_at).toBe(iso(INTERVAL + GRACE + 5));
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 2 });
    expect((await validate({ license_key: license.key, fingerprint: "device-1" })).code).toBe("VALID");
  });
});
