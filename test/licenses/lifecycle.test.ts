// License lifecycle through the admin API: suspend, reinstate, revoke, renew, policy change. Each
// change must show on the very next public request and in introspection of earlier tokens.

import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { activate, createPolicy, deactivate, heartbeat, licenseRow, newLicense, seatState, validate, verify } from "../activations/helpers";
import { call, createTenant, expectError, introspect, issueToken, json, type TestTenant } from "../harness";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("activations lifecycle");
});
afterEach(() => {
  vi.useRealTimers();
});

const action = (t: TestTenant, id: string, name: string, body?: unknown) =>
  call(`/v1/licenses/${id}/${name}`, { token: t.apiKey, method: "POST", ...(body === undefined ? {} : { body }) });

describe("POST /v1/licenses/{id}/suspend (suspendLicense) and POST /v1/licenses/{id}/reinstate (reinstateLicense)", () => {
  it("suspension shows on the next request and in introspection of an earlier token; reinstatement undoes both", async () => {
    const license = await newLicense(tenant, { max_activations: 3 });
    expect((await activate(license.key, "device-1")).status).toBe(201);
    const { token } = await issueToken(license.key);
    expect((await introspect(tenant.apiKey, token)).body).toMatchObject({ active: true, status: "active" });

    const suspended = await action(tenant, license.id, "suspend");
    expect(suspended.status).toBe(200);
    expect((await json(suspended)).status).toBe("suspended");

    expect(await validate({ license_key: license.key })).toMatchObject({ valid: false, code: "SUSPENDED", license: { status: "suspended" } });
    const verified = await verify({ license_key: license.key });
    expect(verified).toMatchObject({ valid: false, code: "SUSPENDED" });
    expect(verified).not.toHaveProperty("license_token");
    expect(await introspect(tenant.apiKey, token)).toEqual({ status: 200, body: { active: false, reason: "license_suspended" } });
    await expectError(await activate(license.key, "device-2"), 409, "LICENSE_SUSPENDED");
    await expectError(await heartbeat(license.key, "device-1"), 409, "LICENSE_SUSPENDED");
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });

    // Idempotent.
    expect((await action(tenant, license.id, "suspend")).status).toBe(200);

    const reinstated = await action(tenant, license.id, "reinstate");
    expect(reinstated.status).toBe(200);
    expect((await json(reinstated)).status).toBe("active");
    expect(await validate({ license_key: license.key })).toMatchObject({ valid: true, code: "VALID" });
    expect((await introspect(tenant.apiKey, token)).body).toMatchObject({ active: true, status: "active", sub: license.id });
    expect((await heartbeat(license.key, "device-1")).status).toBe(200);
    expect((await activate(license.key, "device-2")).status).toBe(201);
  });

  it("a suspended license can still free a seat (deactivate)", async () => {
    const license = await newLicense(tenant, { max_activations: 3 });
    expect((await activate(license.key, "device-1")).status).toBe(201);
    expect((await action(tenant, license.id, "suspend")).status).toBe(200);
    expect((await deactivate(license.key, "device-1")).status).toBe(200);
    expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 1 });
  });
});

describe("POST /v1/licenses/{id}/revoke (revokeLicense)", () => {
  it("revocation shows as REVOKED and license_revoked, and is permanent (409 on reinstate, suspend, renew)", async () => {
    const license = await newLicense(tenant, { max_activations: 3 });
    const { token } = await issueToken(license.key);

    const revoked = await action(tenant, license.id, "revoke");
    expect(revoked.status).toBe(200);
    expect((await json(revoked)).status).toBe("revoked");

    expect(await validate({ license_key: license.key })).toMatchObject({ valid: false, code: "REVOKED", license: { status: "revoked" } });
    expect(await introspect(tenant.apiKey, token)).toEqual({ status: 200, body: { active: false, reason: "license_revoked" } });
    await expectError(await activate(license.key, "device-1"), 409, "LICENSE_REVOKED");

    await expectError(await action(tenant, license.id, "reinstate"), 409, "CONFLICT");
    await expectError(await action(tenant, license.id, "suspend"), 409, "CONFLICT");
    await expectError(await action(tenant, license.id, "renew", { extend_by_s: 3600 }), 409, "CONFLICT");
    // Revoking again is idempotent.
    expect((await action(tenant, license.id, "revoke")).status).toBe(200);

    const row = await licenseRow(license.id);
    expect(row!.status).toBe("revoked");
    expect(row!.expiresAt).toBeNull();
    expect(await validate({ license_key: license.key })).toMatchObject({ valid: false, code: "REVOKED" });
  });

  it("a suspended license can be revoked", async () => {
    const license = await newLicense(tenant);
    expect((await action(tenant, license.id, "suspend")).status).toBe(200);
    expect((await action(tenant, license.id, "revoke")).status).toBe(200);
    expect((await validate({ license_key: license.key })).code).toBe("REVOKED");
  });
});

describe("POST /v1/licenses/{id}/renew (renewLicense)", () => {
  it("extend_by_s extends the current expiry; expires_at sets it", async () => {
    const expires = new Date(Date.now() + 10 * 86400_000);
    expires.setUTCMilliseconds(0);
    const license = await newLicense(tenant, {}, { expires_at: expires.toISOString() });

    const extended = await action(tenant, license.id, "renew", { extend_by_s: 3600 });
    expect(extended.status, await extended.clone().text()).toBe(200);
    expect((await json(extended)).expires_at).toBe(new Date(expires.getTime() + 3600_000).toISOString());

    const target = "2040-01-01T00:00:00.000Z";
    const set = await action(tenant, license.id, "renew", { expires_at: target });
    expect(set.status).toBe(200);
    expect((await json(set)).expires_at).toBe(target);
    const got = await json(await call(`/v1/licenses/${license.id}`, { token: tenant.apiKey }));
    expect(got.expires_at).toBe(target);
    expect((await validate({ license_key: license.key })).license.expires_at).toBe(target);
  });

  it("an expired license becomes valid after renew (extended from now)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const T0 = Math.ceil(Date.now() / 1000) * 1000 + 3600_000;
    vi.setSystemTime(T0);
    const license = await newLicense(tenant, { max_activations: 2 }, { expires_at: new Date(T0 + 60_000).toISOString() });
    expect((await validate({ license_key: license.key })).code).toBe("VALID");

    vi.setSystemTime(T0 + 120_000);
    expect(await validate({ license_key: license.key })).toMatchObject({ valid: false, code: "EXPIRED", license: { status: "expired" } });
    await expectError(await activate(license.key, "device-1"), 409, "LICENSE_EXPIRED");
    expect((await json(await call(`/v1/licenses/${license.id}`, { token: tenant.apiKey }))).status).toBe("expired");

    const renewed = await action(tenant, license.id, "renew", { extend_by_s: 86400 });
    expect(renewed.status, await renewed.clone().text()).toBe(200);
    const body = await json(renewed);
    // From now, since the old expiry has passed: not from the old expiry.
    expect(body.expires_at).toBe(new Date(T0 + 120_000 + 86400_000).toISOString());
    expect(body.status).toBe("active");

    expect(await validate({ license_key: license.key })).toMatchObject({ valid: true, code: "VALID" });
    expect((await activate(license.key, "device-1")).status).toBe(201);
    const { body: verified } = await issueToken(license.key);
    expect(decodeJwt(verified.license_token).license_exp).toBe((T0 + 120_000 + 86400_000) / 1000);
  });

  it.each([
    ["both fields", { extend_by_s: 60, expires_at: "2040-01-01T00:00:00Z" }],
    ["neither field", {}],
    ["an expiry in the past", { expires_at: "2000-01-01T00:00:00Z" }],
    ["a zero extension", { extend_by_s: 0 }],
    ["a string extension", { extend_by_s: "3600" }],
    ["an unknown field", { extend_by_s: 60, status: "active" }],
  ])("refuses %s (422) and changes nothing", async (_name, body) => {
    const license = await newLicense(tenant, {}, { expires_at: "2035-06-01T00:00:00.000Z" });
    const before = await licenseRow(license.id);
    await expectError(await action(tenant, license.id, "renew", body), 422, "VALIDATION_FAILED");
    expect(await licenseRow(license.id)).toEqual(before);
  });
});

describe("PATCH /v1/licenses/{id} (updateLicense) with a new policy_id", () => {
  it("changes the token tier (lc_vt) of the very next verify", async () => {
    const license = await newLicense(tenant, { token_tier: "basic" });
    const basic = decodeJwt((await issueToken(license.key)).token);
    expect(basic.lc_vt).toBe("basic");
    expect(basic.exp! - basic.iat!).toBe(15 * 60);

    const advanced = await createPolicy(tenant, { token_tier: "advanced" });
    const patched = await call(`/v1/licenses/${license.id}`, { token: tenant.apiKey, method: "PATCH", body: { policy_id: advanced.id } });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect((await json(patched)).policy_id).toBe(advanced.id);
    const next = decodeJwt((await issueToken(license.key)).token);
    expect(next.lc_vt).toBe("advanced");
    expect(next.exp! - next.iat!).toBe(3600);

    const custom = await createPolicy(tenant, { token_tier: "custom" });
    expect((await call(`/v1/licenses/${license.id}`, { token: tenant.apiKey, method: "PATCH", body: { policy_id: custom.id } })).status).toBe(200);
    const third = decodeJwt((await issueToken(license.key)).token);
    expect(third.lc_vt).toBe("custom");
    expect(third.exp! - third.iat!).toBe(24 * 3600);
  });

  it("the new policy's seat limit applies to the next activation", async () => {
    const license = await newLicense(tenant, { max_activations: 1 });
    expect((await activate(license.key, "device-1")).status).toBe(201);
    await expectError(await activate(license.key, "device-2"), 409, "TOO_MANY_ACTIVATIONS");
    const roomy = await createPolicy(tenant, { max_activations: 2 });
    expect((await call(`/v1/licenses/${license.id}`, { token: tenant.apiKey, method: "PATCH", body: { policy_id: roomy.id } })).status).toBe(200);
    expect((await activate(license.key, "device-2")).status).toBe(201);
    expect(await seatState(license.id)).toEqual({ stored: 2, live: 2, total: 2 });
  });

  it("refuses another tenant's policy (404) and changes nothing", async () => {
    const other = await createTenant("lifecycle other");
    const foreign = await createPolicy(other, { token_tier: "custom" });
    const license = await newLicense(tenant);
    const before = await licenseRow(license.id);
    await expectError(await call(`/v1/licenses/${license.id}`, { token: tenant.apiKey, method: "PATCH", body: { policy_id: foreign.id } }), 404, "NOT_FOUND");
    expect(await licenseRow(license.id)).toEqual(before);
  });
});
