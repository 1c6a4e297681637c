// Every public route that hands out a credential (verify and validate-hardware tokens, lease
// tokens, borrowed files, machine files) applies the policy's binding exactly as verify does:
// each route against each binding mode, from the wrong place (refused, nothing taken) and from the
// right one (served). Outside-finding #1 of the third round.

import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, json, type TestTenant } from "../harness";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("binding matrix seller");
});

const INSIDE = "203.0.113.7";
const OUTSIDE = "198.51.100.9";
const DEVICE = "bound-device-fp";
const SITE = "shop.example.com";

type Mode = "hardware" | "domain" | "ip";

interface Seller {
  fixed: string;
  floating: string;
}

async function post(path: string, body: unknown, token = tenant.apiKey) {
  const res = await call(path, { token, body });
  const out = await json(res);
  expect(res.status, `${path}: ${JSON.stringify(out)}`).toBe(201);
  return out;
}

/** A fixed license and a floating one under `mode`, each with the right device activated from the right place. */
async function sellBound(mode: Mode): Promise<Seller> {
  const app = await post("/v1/applications", { name: `app ${mode}` });
  const license = async (floating: boolean) => {
    const policy = await post("/v1/policies", {
      name: `${mode} ${floating ? "floating" : "fixed"}`,
      application_id: app.id,
      binding_mode: mode,
      max_activations: 3,
      ...(floating ? { lease_mode: "per_license", max_leases: 3 } : {}),
    });
    const lic = await post("/v1/licenses", { policy_id: policy.id, ...(mode === "ip" ? { allowed_cidrs: ["203.0.113.0/24"] } : {}) });
    const activation = await call("/v1/licenses/activate", {
      body: { license_key: lic.key, fingerprint: DEVICE, ...(mode === "domain" ? { domain: SITE } : {}) },
      headers: { "CF-Connecting-IP": INSIDE },
    });
    expect(activation.status).toBe(201);
    return lic.key as string;
  };
  return { fixed: await license(false), floating: await license(true) };
}

/** Where the caller stands: the wrong place for each mode, and the right one. */
const PLACES: Record<Mode, { wrong: { body: Record<string, unknown>; ip: string }; right: { body: Record<string, unknown>; ip: string } }> = {
  hardware: { wrong: { body: { fingerprint: "another-machine" }, ip: INSIDE }, right: { body: { fingerprint: DEVICE }, ip: INSIDE } },
  domain: {
    wrong: { body: { fingerprint: DEVICE, domain: "evil.example.net" }, ip: INSIDE },
    right: { body: { fingerprint: DEVICE, domain: SITE }, ip: INSIDE },
  },
  ip: { wrong: { body: { fingerprint: DEVICE }, ip: OUTSIDE }, right: { body: { fingerprint: DEVICE }, ip: INSIDE } },
};

const REFUSALS: Record<Mode, { code: string; status: number; validation: string }> = {
  hardware: { code: "ACTIVATION_NOT_FOUND", status: 404, validation: "FINGERPRINT_MISMATCH" },
  domain: { code: "DOMAIN_MISMATCH", status: 403, validation: "DOMAIN_MISMATCH" },
  ip: { code: "IP_NOT_ALLOWED", status: 403, validation: "IP_NOT_ALLOWED" },
};

const send = (path: string, body: Record<string, unknown>, ip: string) => call(path, { body, headers: { "CF-Connecting-IP": ip } });

describe.each(["hardware", "domain", "ip"] as const)("every credential-issuing public route under binding_mode %s", (mode) => {
  let keys: Seller;
  beforeAll(async () => {
    keys = await sellBound(mode);
  });
  const { wrong, right } = PLACES[mode];
  const refusal = REFUSALS[mode];

  it("POST /v1/licenses/verify and validate-hardware: no token from the wrong place, a token from the right one", async () => {
    for (const path of ["/v1/licenses/verify", "/v1/licenses/validate-hardware"]) {
      const refused = await json(await send(path, { license_key: keys.fixed, ...wrong.body }, wrong.ip));
      expect({ path, valid: refused.valid, code: refused.code, token: refused.license_token }).toEqual({
        path,
        valid: false,
        code: refusal.validation,
        token: undefined,
      });
      const served = await json(await send(path, { license_key: keys.fixed, ...right.body }, right.ip));
      expect({ path, valid: served.valid, token: typeof served.license_token }).toEqual({ path, valid: true, token: "string" });
    }
  });

  it("POST /v1/licenses/checkout: no machine file from the wrong place, one from the right place", async () => {
    const refused = await send("/v1/licenses/checkout", { license_key: keys.fixed, ...wrong.body }, wrong.ip);
    const error = (await json(refused)).error;
    expect({ status: refused.status, code: error.code, validation: error.details.validation_code }).toEqual({
      status: refusal.status,
      code: refusal.code,
      validation: refusal.validation,
    });
    const served = await send("/v1/licenses/checkout", { license_key: keys.fixed, ...right.body }, right.ip);
    expect(served.status).toBe(201);
  });

  it("POST /v1/licenses/leases, .../heartbeat and .../borrow: refused from the wrong place with no seat taken, served from the right one", async () => {
    const refused = await send("/v1/licenses/leases", { license_key: keys.floating, instance_id: "outsider", ...wrong.body }, wrong.ip);
    expect({ status: refused.status, code: (await json(refused)).error.code }).toEqual({ status: refusal.status, code: refusal.code });

    const granted = await send("/v1/licenses/leases", { license_key: keys.floating, instance_id: "insider", ...right.body }, right.ip);
    expect(granted.status).toBe(201);
    const lease = (await json(granted)).lease;
    expect(lease.instance_id).toBe("insider");

    const beat = (place: typeof right) => send(`/v1/licenses/leases/${lease.id}/heartbeat`, { license_key: keys.floating, ...place.body }, place.ip);
    expect((await beat(wrong)).status).toBe(refusal.status);
    expect((await beat(right)).status).toBe(200);

    const until = new Date(Date.now() + 86_400_000).toISOString();
    const borrow = (place: typeof right) => send(`/v1/licenses/leases/${lease.id}/borrow`, { license_key: keys.floating, until, ...place.body }, place.ip);
    expect((await borrow(wrong)).status).toBe(refusal.status);
    expect((await borrow(right)).status).toBe(200);
  });

  it("refuses a token or a file of a floating license outside a lease (LEASE_REQUIRED), even from the right place", async () => {
    const verified = await json(await send("/v1/licenses/verify", { license_key: keys.floating, ...right.body }, right.ip));
    expect({ valid: verified.valid, code: verified.code, token: verified.license_token }).toEqual({ valid: false, code: "LEASE_REQUIRED", token: undefined });
    const file = await send("/v1/licenses/checkout", { license_key: keys.floating, ...right.body }, right.ip);
    expect({ status: file.status, code: (await json(file)).error.code }).toEqual({ status: 409, code: "LEASE_REQUIRED" });
  });
});

describe("a domain-bound floating license", () => {
  it("gives no lease token to a request that names no domain", async () => {
    const keys = await sellBound("domain");
    const res = await send("/v1/licenses/leases", { license_key: keys.floating, instance_id: "no-domain" }, INSIDE);
    expect({ status: res.status, code: (await json(res)).error.code }).toEqual({ status: 403, code: "DOMAIN_MISMATCH" });
  });
});
