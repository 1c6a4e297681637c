// License files: checked out through the admin and public routes, verified offline by the SDK
// against a pinned key set; every way a file can be wrong is refused with its own stable code;
// TTL bounds hold; sealing opens only with the right license key (and fingerprint); checkouts are
// announced and audited; a narrower key or another tenant gets nothing.
import {
  ClockTampered,
  FileClaimInvalid,
  FileDecryptionFailed,
  FileExpired,
  FileKeyNotFound,
  FileKeyRequired,
  FileSignatureInvalid,
  FileTypInvalid,
  FileWrongMachine,
  LicenseFileError,
  memoryClockStore,
  unarmorLicenseFile,
  verifyLicenseFile,
} from "@edge-license/sdk";
import { eq } from "drizzle-orm";
import { CompactSign, decodeProtectedHeader, exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, webhookEvents } from "../../src/db/schema";
import { BASE, call, createTenant, expectError, insertApiKey, json, type TestTenant, withDb } from "../harness";
import { checkout, pinnedJwks, post, type Sold, sell } from "./helpers";

const DAY = 86_400;
let tenant: TestTenant;
let jwks: { keys: Record<string, unknown>[] };

beforeAll(async () => {
  tenant = await createTenant("Offline seller");
  jwks = await pinnedJwks();
});

/** Expects `promise` to be refused by `Class` (its static code is the error's code). */
async function refused(promise: Promise<unknown>, Class: { new (...args: never[]): LicenseFileError; code: string }) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect({ instance: err instanceof Class, base: err instanceof LicenseFileError, code: (err as LicenseFileError)?.code }).toEqual({
    instance: true,
    base: true,
    code: Class.code,
  });
}

/** One base64url character of the JWS changed, at `at` characters into its payload. */
function flipped(file: string, at: number): string {
  const jws = unarmorLicenseFile(file)!;
  const i = jws.indexOf(".") + at;
  return `${jws.slice(0, i)}${jws[i] === "A" ? "B" : "A"}${jws.slice(i + 1)}`;
}

describe("POST /v1/licenses/{id}/checkout (checkoutLicense), an admin checkout", () => {
  let sold: Sold;
  let answer: any;
  beforeAll(async () => {
    sold = await sell(tenant);
    answer = await checkout(tenant, sold.licenseId);
  });

  it("answers an armored license-file+jwt that verifies offline against the pinned keys, with the license in its claims", async () => {
    expect(answer.license_file.startsWith("-----BEGIN LICENSE FILE-----\n")).toBe(true);
    expect(answer.license_file.endsWith("\n-----END LICENSE FILE-----\n")).toBe(true);
    const header = decodeProtectedHeader(unarmorLicenseFile(answer.license_file)!);
    expect(header).toEqual({ alg: "RS256", kid: jwks.keys[0]!.kid, typ: "license-file+jwt" });
    const { claims, encrypted, machine, listStatus } = await verifyLicenseFile(answer.license_file, { jwks, issuer: BASE, audience: sold.applicationId });
    expect({ encrypted, machine, listStatus }).toEqual({ encrypted: false, machine: false, listStatus: "unchecked" });
    expect(claims).toEqual({
      iss: BASE,
      sub: sold.licenseId,
      aud: sold.applicationId,
      iat: expect.any(Number),
      nbf: claims.iat,
      exp: claims.iat + 30 * DAY,
      jti: answer.id,
      license_status: "active",
      plan: "pro",
      features: ["export", "sync"],
      policy: { id: sold.policyId, name: "Offline", binding_mode: "none", max_activations: 5 },
      status: { status_list: { idx: expect.any(Number), uri: expect.stringMatching(/^https:\/\/license\.test\/v1\/status-lists\/sl_[A-Za-z0-9]+$/) } },
    });
    expect(answer).toEqual({
      license_file: answer.license_file,
      id: expect.stringMatching(/^lf_/),
      license_id: sold.licenseId,
      activation_id: null,
      issued_at: new Date(claims.iat * 1000).toISOString(),
      expires_at: new Date(claims.exp! * 1000).toISOString(),
      encrypted: false,
    });
  });

  it("is refused with a flipped byte, for another application, past its expiry, or as another kind of token; no audience is a TypeError", async () => {
    await refused(verifyLicenseFile(flipped(answer.license_file, 40), { jwks, audience: sold.applicationId }), FileSignatureInvalid);
    await refused(verifyLicenseFile(answer.license_file, { jwks, audience: "app_someone_else" }), FileClaimInvalid);
    await refused(verifyLicenseFile(answer.license_file, { jwks, audience: tenant.tenantId }), FileClaimInvalid);
    await expect(verifyLicenseFile(answer.license_file, { jwks } as never)).rejects.toThrow(TypeError);
    await refused(verifyLicenseFile(answer.license_file, { jwks, audience: sold.applicationId, issuer: "https://license.elsewhere" }), FileClaimInvalid);
    const { claims } = await verifyLicenseFile(answer.license_file, { jwks, audience: sold.applicationId });
    await refused(verifyLicenseFile(answer.license_file, { jwks, audience: sold.applicationId, now: new Date((claims.exp! + 3600) * 1000) }), FileExpired);
  });

  it("is refused when signed by a key the app did not pin, or by another key under a pinned kid", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const payload = new TextEncoder().encode(
      JSON.stringify({ iss: BASE, sub: sold.licenseId, aud: sold.applicationId, iat: 1, nbf: 1, jti: "lf_forged", features: ["everything"] }),
    );
    const sign = (kid: string) => new CompactSign(payload).setProtectedHeader({ alg: "RS256", kid, typ: "license-file+jwt" }).sign(privateKey);
    await refused(verifyLicenseFile(await sign("attacker-key"), { jwks, audience: sold.applicationId }), FileKeyNotFound);
    await refused(verifyLicenseFile(await sign(jwks.keys[0]!.kid as string), { jwks, audience: sold.applicationId }), FileSignatureInvalid);
    // And the real file against a key set pinned without the deployment's key.
    const stranger = { keys: [{ ...(await exportJWK(publicKey)), kid: "stranger", alg: "RS256", use: "sig" }] };
    await refused(verifyLicenseFile(answer.license_file, { jwks: stranger, audience: sold.applicationId }), FileKeyNotFound);
  });

  it("refuses a license token presented as a file", async () => {
    const license = await sell(tenant, { binding_mode: "none" });
    const verified = await json(await call("/v1/licenses/verify", { body: { license_key: license.licenseKey } }));
    await refused(verifyLicenseFile(verified.license_token, { jwks, audience: license.applicationId }), FileTypInvalid);
  });

  it("refuses a wound-back clock: behind the file's issue time, or behind a time the device has already seen", async () => {
    const { claims } = await verifyLicenseFile(answer.license_file, { jwks, audience: sold.applicationId });
    await refused(verifyLicenseFile(answer.license_file, { jwks, audience: sold.applicationId, now: new Date((claims.iat - 2 * 3600) * 1000) }), ClockTampered);
    const clock = memoryClockStore();
    const later = new Date((claims.iat + 10 * DAY) * 1000);
    await verifyLicenseFile(answer.license_file, { jwks, audience: sold.applicationId, clock, now: later });
    expect(clock.get()).toBe(claims.iat + 10 * DAY);
    await refused(
      verifyLicenseFile(answer.license_file, { jwks, audience: sold.applicationId, clock, now: new Date((claims.iat + 5 * DAY) * 1000) }),
      ClockTampered,
    );
    // Within the tolerance (10 minutes by default) it is still accepted.
    await verifyLicenseFile(answer.license_file, { jwks, audience: sold.applicationId, clock, now: new Date(later.getTime() - 300_000) });
  });

  describe("GET /v1/licenses/{id}/checkout (downloadLicenseFile)", () => {
    it("downloads as application/octet-stream with a file name, and that file verifies", async () => {
      const res = await call(`/v1/licenses/${sold.licenseId}/checkout?ttl_s=3600`, { token: tenant.apiKey });
      const file = await res.text();
      expect({ status: res.status, type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition") }).toEqual({
        status: 200,
        type: "application/octet-stream",
        disposition: `attachment; filename="${sold.licenseId}.lic"`,
      });
      const { claims } = await verifyLicenseFile(file, { jwks, audience: sold.applicationId });
      expect(claims.exp! - claims.iat).toBe(3600);
    });
  });

  it("is announced (license.checked_out, without the file) and audited", async () => {
    const events = await withDb((db) => db.select().from(webhookEvents).where(eq(webhookEvents.tenantId, tenant.tenantId)));
    const checkedOut = events.filter((e) => e.type === "license.checked_out").map((e) => JSON.parse(e.payload).data);
    expect(checkedOut.find((d) => d.id === answer.id)).toEqual({
      id: answer.id,
      license_id: sold.licenseId,
      application_id: sold.applicationId,
      activation_id: null,
      issued_at: answer.issued_at,
      expires_at: answer.expires_at,
      encrypted: false,
    });
    const audited = await withDb((db) => db.select().from(auditLog).where(eq(auditLog.tenantId, tenant.tenantId)));
    const row = audited.find((a) => a.action === "license.checkout" && (a.details as { file_id?: string }).file_id === answer.id);
    expect({ targetId: row?.targetId, actor: row?.actor }).toEqual({ targetId: sold.licenseId, actor: tenant.apiKeyId });
  });
});

describe("lifetimes", () => {
  it("holds the policy's maximum, refuses perpetual files unless allowed, and stops at the license's expiry unless files may outlive it", async () => {
    const sold = await sell(tenant, { offline_ttl_default_s: 7 * DAY, offline_ttl_max_s: 14 * DAY });
    const tooLong = await call(`/v1/licenses/${sold.licenseId}/checkout`, { token: tenant.apiKey, body: { ttl_s: 15 * DAY } });
    expect((await expectError(tooLong, 422, "VALIDATION_FAILED")).message).toBe(`The policy allows license files of at most ${14 * DAY} s.`);
    const perpetual = await call(`/v1/licenses/${sold.licenseId}/checkout`, { token: tenant.apiKey, body: { ttl_s: null } });
    expect((await expectError(perpetual, 422, "VALIDATION_FAILED")).message).toBe("The policy does not allow perpetual license files.");
    const byDefault = await verifyLicenseFile((await checkout(tenant, sold.licenseId)).license_file, { jwks, audience: sold.applicationId });
    expect(byDefault.claims.exp! - byDefault.claims.iat).toBe(7 * DAY);

    const expiresAt = new Date(Date.now() + 3 * DAY * 1000);
    const expiring = await sell(tenant, {}, { expires_at: expiresAt.toISOString() });
    const capped = await verifyLicenseFile((await checkout(tenant, expiring.licenseId)).license_file, { jwks, audience: expiring.applicationId });
    expect({ exp: capped.claims.exp, license_exp: capped.claims.license_exp }).toEqual({
      exp: Math.floor(expiresAt.getTime() / 1000),
      license_exp: Math.floor(expiresAt.getTime() / 1000),
    });

    const lasting = await sell(tenant, { allow_perpetual_offline: true, offline_outlives_license: true }, { expires_at: expiresAt.toISOString() });
    const outliving = await verifyLicenseFile((await checkout(tenant, lasting.licenseId, { ttl_s: 10 * DAY })).license_file, {
      jwks,
      audience: lasting.applicationId,
    });
    expect(outliving.claims.exp! - outliving.claims.iat).toBe(10 * DAY);
    const forever = await checkout(tenant, lasting.licenseId, { ttl_s: null });
    expect(forever.expires_at).toBe(null);
    expect(
      (await verifyLicenseFile(forever.license_file, { jwks, audience: lasting.applicationId, now: new Date(Date.now() + 3650 * DAY * 1000) })).claims.exp,
    ).toBe(undefined);
  });

  it("keeps the policy's default within its maximum on create and update", async () => {
    const app = await post(tenant, "/v1/applications", { name: "Bounds" }, 201);
    const bad = await call("/v1/policies", {
      token: tenant.apiKey,
      body: { name: "x", application_id: app.id, offline_ttl_default_s: 10 * DAY, offline_ttl_max_s: DAY },
    });
    await expectError(bad, 422, "VALIDATION_FAILED");
    const policy = await post(tenant, "/v1/policies", { name: "y", application_id: app.id, offline_ttl_max_s: 40 * DAY }, 201);
    expect({ d: policy.offline_ttl_default_s, m: policy.offline_ttl_max_s, p: policy.allow_perpetual_offline, o: policy.offline_outlives_license }).toEqual({
      d: 30 * DAY,
      m: 40 * DAY,
      p: false,
      o: false,
    });
    const shrink = await call(`/v1/policies/${policy.id}`, { token: tenant.apiKey, method: "PATCH", body: { offline_ttl_max_s: DAY } });
    expect((await expectError(shrink, 422, "VALIDATION_FAILED")).message).toBe("offline_ttl_default_s may not exceed offline_ttl_max_s.");
  });
});

describe("machine files", () => {
  let sold: Sold;
  beforeAll(async () => {
    sold = await sell(tenant);
    expect((await call("/v1/licenses/activate", { body: { license_key: sold.licenseKey, fingerprint: "device-a" } })).status).toBe(201);
  });

  it("are checked out by the device itself and bind to its fingerprint", async () => {
    const res = await call("/v1/licenses/checkout", { body: { license_key: sold.licenseKey, fingerprint: "device-a", ttl_s: 7 * DAY } });
    const body = await json(res);
    expect(res.status).toBe(201);
    const { claims, machine } = await verifyLicenseFile(body.license_file, { jwks, fingerprint: "device-a", audience: sold.applicationId });
    expect({ machine, activation: claims.activation_id, activationInBody: body.activation_id, ttl: claims.exp! - claims.iat }).toEqual({
      machine: true,
      activation: body.activation_id,
      activationInBody: expect.stringMatching(/^act_/),
      ttl: 7 * DAY,
    });
    await refused(verifyLicenseFile(body.license_file, { jwks, audience: sold.applicationId, fingerprint: "device-b" }), FileWrongMachine);
    await refused(verifyLicenseFile(body.license_file, { jwks, audience: sold.applicationId }), FileWrongMachine);
  });

  it("are refused to a device without a live activation, and for an unknown key", async () => {
    await expectError(await call("/v1/licenses/checkout", { body: { license_key: sold.licenseKey, fingerprint: "device-b" } }), 404, "ACTIVATION_NOT_FOUND");
    await expectError(await call("/v1/licenses/checkout", { body: { license_key: "lk_unknown", fingerprint: "device-a" } }), 404, "LICENSE_NOT_FOUND");
  });

  it("come from the admin API for a named activation, and not for another license's", async () => {
    const activations = await json(await call(`/v1/licenses/${sold.licenseId}/activations`, { token: tenant.apiKey }));
    const activationId = activations.data[0].id;
    const file = await checkout(tenant, sold.licenseId, { activation_id: activationId });
    expect((await verifyLicenseFile(file.license_file, { jwks, audience: sold.applicationId, fingerprint: "device-a" })).claims.activation_id).toBe(
      activationId,
    );
    const other = await sell(tenant);
    await expectError(
      await call(`/v1/licenses/${other.licenseId}/checkout`, { token: tenant.apiKey, body: { activation_id: activationId } }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("encrypted files", () => {
  it("verify without the key but open only with the right license key (and fingerprint)", async () => {
    const sold = await sell(tenant);
    const sealed = await checkout(tenant, sold.licenseId, { encrypt: true });
    expect(sealed.encrypted).toBe(true);
    const jws = unarmorLicenseFile(sealed.license_file)!;
    expect(decodeProtectedHeader(jws).cty).toBe("JWT");
    expect(atob(jws.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")).includes("export")).toBe(false);
    await refused(verifyLicenseFile(sealed.license_file, { jwks, audience: sold.applicationId }), FileKeyRequired);
    await refused(verifyLicenseFile(sealed.license_file, { jwks, audience: sold.applicationId, licenseKey: "lk_notTheKey" }), FileDecryptionFailed);
    await refused(
      verifyLicenseFile(flipped(sealed.license_file, 30), { jwks, audience: sold.applicationId, licenseKey: sold.licenseKey }),
      FileSignatureInvalid,
    );
    const opened = await verifyLicenseFile(sealed.license_file, { jwks, audience: sold.applicationId, licenseKey: sold.licenseKey });
    expect({ encrypted: opened.encrypted, sub: opened.claims.sub, features: opened.claims.features }).toEqual({
      encrypted: true,
      sub: sold.licenseId,
      features: ["export", "sync"],
    });

    expect((await call("/v1/licenses/activate", { body: { license_key: sold.licenseKey, fingerprint: "device-x" } })).status).toBe(201);
    const machine = await json(await call("/v1/licenses/checkout", { body: { license_key: sold.licenseKey, fingerprint: "device-x", encrypt: true } }));
    await refused(verifyLicenseFile(machine.license_file, { jwks, audience: sold.applicationId, licenseKey: sold.licenseKey }), FileKeyRequired);
    await refused(
      verifyLicenseFile(machine.license_file, { jwks, audience: sold.applicationId, licenseKey: sold.licenseKey, fingerprint: "device-y" }),
      FileDecryptionFailed,
    );
    const device = await verifyLicenseFile(machine.license_file, { jwks, audience: sold.applicationId, licenseKey: sold.licenseKey, fingerprint: "device-x" });
    expect({ machine: device.machine, encrypted: device.encrypted }).toEqual({ machine: true, encrypted: true });
  });
});

describe("who may check out", () => {
  it("refuses a suspended license, a key without licenses:write, and another tenant", async () => {
    const sold = await sell(tenant);
    const reader = await insertApiKey(tenant.tenantId, { permissions: ["licenses:read"] });
    await expectError(await call(`/v1/licenses/${sold.licenseId}/checkout`, { token: reader.secret, body: {} }), 403, "FORBIDDEN");
    const stranger = await createTenant("Another seller");
    await expectError(await call(`/v1/licenses/${sold.licenseId}/checkout`, { token: stranger.apiKey, body: {} }), 404, "NOT_FOUND");
    expect((await call(`/v1/licenses/${sold.licenseId}/suspend`, { token: tenant.apiKey, method: "POST" })).status).toBe(200);
    await expectError(await call(`/v1/licenses/${sold.licenseId}/checkout`, { token: tenant.apiKey, body: {} }), 409, "LICENSE_SUSPENDED");
  });

  it("authenticates before it reads the body", async () => {
    await expectError(
      await call("/v1/licenses/lic_x/checkout", { rawBody: "{not json", headers: { "Content-Type": "application/json" } }),
      401,
      "UNAUTHORIZED",
    );
  });
});
