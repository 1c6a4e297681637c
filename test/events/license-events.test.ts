// License activity (GET /v1/licenses/{id}/events, /v1/customers/{id}/events, /v1/events): every kind
// of refusal a device can meet is found in its license's events with the right code, operation and
// device, readable as soon as the refused request has answered (this isolate writes out what it
// buffers before reading); explanations beside each code; filters, paging, another tenant's ids,
// a credential without events:read, and personal data kept to a network and a fingerprint prefix.
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/crypto/hash";
import { createCustomer, sellTo, send } from "../customers/helpers";
import { call, createTenant, expectError, insertApiKey, introspect, issueToken, json, type TestTenant } from "../harness";

let tenant: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("activity");
  other = await createTenant("activity other");
});

const fromClient = (ip: string) => ({ "CF-Connecting-IP": ip, "User-Agent": "Studio/4.2 (Windows 11)", "X-Edge-License-SDK": "js/0.1.0" });
const post = (path: string, body: unknown, ip = "203.0.113.77") => call(path, { body, headers: fromClient(ip) });
const events = async (path: string, token = tenant.apiKey) => {
  const res = await call(path, { token });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};
const prefix = async (fingerprint: string) => (await sha256Hex(fingerprint)).slice(0, 12);

describe("GET /v1/licenses/{id}/events (listLicenseEvents)", () => {
  it("finds each kind of refusal, with its code, operation and device, right after it was answered", async () => {
    const customer = await createCustomer(tenant, { name: "Initech" });
    const sold = await sellTo(tenant, customer.id, { binding_mode: "hardware", max_activations: 1, max_deactivations: 1, deactivation_window_s: 3600 });
    const key = sold.licenseKey;
    const laptop = "fp-laptop-0001";
    const desktop = "fp-desktop-0002";

    const activated = await post("/v1/licenses/activate", { license_key: key, fingerprint: laptop, name: "Milton's laptop" });
    expect(activated.status).toBe(201);
    const activationId = (await json(activated)).activation.id as string;
    expect((await json(await post("/v1/licenses/validate", { license_key: key, fingerprint: desktop }))).code).toBe("FINGERPRINT_MISMATCH");
    expect((await json(await post("/v1/licenses/verify", { license_key: key, fingerprint: laptop, application_id: "app_someoneElse" }))).code).toBe(
      "PRODUCT_MISMATCH",
    );
    await expectError(await post("/v1/licenses/activate", { license_key: key, fingerprint: desktop }), 409, "TOO_MANY_ACTIVATIONS");
    await expectError(await post("/v1/licenses/heartbeat", { license_key: key, fingerprint: desktop }), 404, "ACTIVATION_NOT_FOUND");
    await expectError(await post("/v1/licenses/leases", { license_key: key, fingerprint: laptop, instance_id: "i-1" }), 409, "LEASES_NOT_ENABLED");
    await expectError(await post("/v1/licenses/checkout", { license_key: key, fingerprint: desktop }), 404, "ACTIVATION_NOT_FOUND");
    expect((await post("/v1/licenses/deactivate", { license_key: key, fingerprint: laptop })).status).toBe(200);
    await post("/v1/licenses/activate", { license_key: key, fingerprint: laptop });
    await expectError(await post("/v1/licenses/deactivate", { license_key: key, fingerprint: laptop }), 429, "DEACTIVATION_LIMIT_REACHED");
    await send(tenant, "POST", `/v1/licenses/${sold.licenseId}/suspend`, {}, 200);
    expect((await json(await post("/v1/licenses/validate", { license_key: key, fingerprint: laptop }))).code).toBe("SUSPENDED");
    // An unknown key names no license: nothing is recorded for anyone.
    expect((await json(await post("/v1/licenses/validate", { license_key: `lk_${"1".repeat(40)}` }))).code).toBe("NOT_FOUND");

    const page = await events(`/v1/licenses/${sold.licenseId}/events?limit=100`);
    const rows = page.data.map((e: any) => [e.operation, e.code, e.device.fingerprint_prefix]).reverse();
    expect(rows).toEqual([
      ["activateDevice", "OK", await prefix(laptop)],
      ["validateLicense", "FINGERPRINT_MISMATCH", await prefix(desktop)],
      ["verifyLicense", "PRODUCT_MISMATCH", await prefix(laptop)],
      ["activateDevice", "TOO_MANY_ACTIVATIONS", await prefix(desktop)],
      ["sendHeartbeat", "ACTIVATION_NOT_FOUND", await prefix(desktop)],
      ["acquireLease", "LEASES_NOT_ENABLED", await prefix(laptop)],
      ["checkoutMachineFile", "FINGERPRINT_MISMATCH", await prefix(desktop)],
      ["deactivateDevice", "OK", await prefix(laptop)],
      ["activateDevice", "OK", await prefix(laptop)],
      ["deactivateDevice", "DEACTIVATION_LIMIT_REACHED", await prefix(laptop)],
      ["validateLicense", "SUSPENDED", await prefix(laptop)],
    ]);
    expect(page.has_more).toBe(false);
    const first = page.data.at(-1);
    expect(first).toMatchObject({
      license_id: sold.licenseId,
      customer_id: customer.id,
      device: { activation_id: activationId, name: "Milton's laptop" },
      network: "203.0.113.0/24",
      user_agent: "Studio/4.2 (Windows 11)",
      sdk: "js/0.1.0",
      explanation: "The request succeeded.",
    });
    expect(first.request_id).toMatch(/^req_/);
    const mismatch = page.data.find((e: any) => e.code === "FINGERPRINT_MISMATCH");
    expect(mismatch.explanation).toBe("This device is not one of the license's activations: its fingerprint matches no live device.");
    expect(mismatch.next_step).toContain("free the old seat");
    // The full address is nowhere in the answer.
    expect(JSON.stringify(page)).not.toContain("203.0.113.77");
  });

  it("records each introspection by the seller's backend, with the device the token stands on", async () => {
    const sold = await sellTo(tenant, null, { binding_mode: "hardware", max_activations: 1 });
    const activated = await json(await post("/v1/licenses/activate", { license_key: sold.licenseKey, fingerprint: "fp-kiosk" }));
    const { token } = await issueToken(sold.licenseKey, { fingerprint: "fp-kiosk" });
    expect((await introspect(tenant.apiKey, token)).body.active).toBe(true);
    const page = await events(`/v1/licenses/${sold.licenseId}/events?operation=introspectLicenseToken`);
    expect(page.data.map((e: any) => [e.code, e.device.activation_id, e.explanation])).toEqual([
      ["ACTIVE", activated.activation.id, "Your backend introspected a license token and it was active."],
    ]);
  });

  it("filters by code, operation and device, pages with next_cursor, and answers the customer's (listCustomerEvents) and the tenant's activity (listEvents)", async () => {
    const customer = await createCustomer(tenant, { name: "Globex" });
    const sold = await sellTo(tenant, customer.id);
    for (let i = 0; i < 5; i++)
      await post("/v1/licenses/validate", { license_key: sold.licenseKey, fingerprint: `fp-${i}`, application_id: i % 2 ? "app_x" : undefined });
    const mismatches = await events(`/v1/licenses/${sold.licenseId}/events?code=PRODUCT_MISMATCH`);
    expect(mismatches.data.map((e: any) => e.code)).toEqual(["PRODUCT_MISMATCH", "PRODUCT_MISMATCH"]);
    const one = await events(`/v1/licenses/${sold.licenseId}/events?device=${await prefix("fp-3")}`);
    expect(one.data.map((e: any) => e.device.fingerprint_prefix)).toEqual([await prefix("fp-3")]);
    expect((await events(`/v1/licenses/${sold.licenseId}/events?operation=verifyLicense`)).data).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await events(`/v1/licenses/${sold.licenseId}/events?limit=2${cursor ? `&starting_after=${cursor}` : ""}`);
      seen.push(...page.data.map((e: any) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort().reverse()).toEqual(seen);

    const ofCustomer = await events(`/v1/customers/${customer.id}/events?limit=100`);
    expect(ofCustomer.data.map((e: any) => e.id)).toEqual(seen);
    const ofTenant = await events(`/v1/events?limit=100&code=PRODUCT_MISMATCH`);
    expect(ofTenant.data.filter((e: any) => e.license_id === sold.licenseId)).toHaveLength(2);
    expect((await events(`/v1/events?since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z`)).data).toEqual([]);
  });

  it("answers another tenant's license or customer 404, refuses a key without events:read, and rejects malformed filters", async () => {
    const customer = await createCustomer(tenant, { name: "Hooli" });
    const sold = await sellTo(tenant, customer.id);
    await post("/v1/licenses/validate", { license_key: sold.licenseKey });
    await expectError(await call(`/v1/licenses/${sold.licenseId}/events`, { token: other.apiKey }), 404, "NOT_FOUND");
    await expectError(await call(`/v1/customers/${customer.id}/events`, { token: other.apiKey }), 404, "NOT_FOUND");
    expect((await events("/v1/events?limit=100", other.apiKey)).data.filter((e: any) => e.license_id === sold.licenseId)).toEqual([]);
    const { secret: reader } = await insertApiKey(tenant.tenantId, { permissions: ["licenses:read", "customers:read"] });
    await expectError(await call(`/v1/licenses/${sold.licenseId}/events`, { token: reader }), 403, "FORBIDDEN");
    await expectError(await call("/v1/events", { token: reader }), 403, "FORBIDDEN");
    await expectError(await call("/v1/events"), 401, "UNAUTHORIZED");
    for (const bad of ["code=lower", "device=nope", "starting_after=evt_x", "since=yesterday", "limit=0", "operation=drop%20table"]) {
      await expectError(await call(`/v1/events?${bad}`, { token: tenant.apiKey }), 422, "VALIDATION_FAILED");
    }
  });
});
