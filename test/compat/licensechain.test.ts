// Clients written for LicenseChain work by changing the base URL. These tests replay the wire calls
// of LicenseChain's SDKs (Node.js `LicenseService.validate`, Python `verify_with_details`, the
// C# and Unity clients) and check what those clients read: `valid`, `license_token`,
// `license_jwks_uri`, and a token their own verifiers accept (RS256 from the JWKS, `token_use`,
// `aud` equal to the app id). Introspection and revoke-token take `license_token`, JSON or form.
import { and, eq } from "drizzle-orm";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/crypto/hash";
import { activations, webhookEvents } from "../../src/db/schema";
import { call, createTenant, expectError, insertApiKey, introspect, json, seedLicense, type TestTenant, withDb } from "../harness";

let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  [tenant, other] = await Promise.all([createTenant("LicenseChain integrator"), createTenant("LicenseChain other")]);
});

/** A LicenseChain hardware id: lowercase hex SHA-256 of `licensechain|<platform>|...`. */
const hwuid = (device: string) => sha256Hex(`licensechain|nodejs|linux|x64|${device}`);

/** What LicenseChain's Node.js SDK sends (src/http-core.ts): its own API key, version and platform headers. */
const nodeSdkHeaders = (apiKey: string) => ({
  Authorization: `Bearer ${apiKey}`,
  "X-API-Version": "1.0",
  "X-Platform": "nodejs-sdk",
  "User-Agent": "LicenseChain-NodeJS-SDK/1.0.0",
});

const nodeSdkVerify = (body: Record<string, unknown>, apiKey = "lc_live_their_own_api_key") =>
  call("/v1/licenses/verify", { body, headers: nodeSdkHeaders(apiKey) });

/** LicenseChain's Node.js license-assertion: RS256 from the JWKS, token_use, aud === app id. */
async function licenseChainAssertion(token: string, jwksUri: string, expectedAppId: string) {
  const jwks = createLocalJWKSet(await json(await call(new URL(jwksUri).pathname)));
  const { payload } = await jwtVerify(token, jwks, { algorithms: ["RS256"] });
  if (payload.token_use !== "licensechain_license_v1") throw new Error("token_use");
  if (payload.aud !== expectedAppId) throw new Error("aud");
  return payload;
}

const liveSeats = (licenseId: string) =>
  withDb(async (db) =>
    (
      await db
        .select()
        .from(activations)
        .where(and(eq(activations.licenseId, licenseId)))
    ).filter((a) => a.deactivatedAt === null),
  );

describe("POST /v1/licenses/verify as LicenseChain's SDKs send it", () => {
  it("answers the Node.js SDK's { key, hwuid } with valid, license_token and license_jwks_uri", async () => {
    const license = await seedLicense(tenant.tenantId);
    const res = await nodeSdkVerify({ key: license.licenseKey, hwuid: await hwuid("laptop") });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ valid: true, code: "VALID", license_jwks_uri: "https://license.test/v1/licenses/jwks" });
    const claims = await licenseChainAssertion(body.license_token, body.license_jwks_uri, license.applicationId!);
    expect(claims).toMatchObject({ sub: license.licenseId, iss: "https://license.test" });
  });

  it("ignores whatever the Authorization header holds on public routes", async () => {
    const license = await seedLicense(tenant.tenantId);
    const foreignKey = (await insertApiKey(other.tenantId)).secret;
    for (const authorization of ["Bearer lc_live_their_own_api_key", `Bearer ${foreignKey}`, "Basic Zm9vOmJhcg==", "Bearer", "garbage"]) {
      const res = await call("/v1/licenses/verify", { body: { key: license.licenseKey }, headers: { Authorization: authorization } });
      expect(res.status, authorization).toBe(200);
      expect((await json(res)).valid, authorization).toBe(true);
    }
  });

  it("takes the Python SDK's { key, app_id } and refuses another application's license as a value", async () => {
    const license = await seedLicense(tenant.tenantId);
    const ok = await json(await call("/v1/licenses/verify", { body: { key: license.licenseKey, app_id: license.applicationId } }));
    expect(ok).toMatchObject({ valid: true, code: "VALID" });
    const wrongApp = await call("/v1/licenses/verify", { body: { key: license.licenseKey, app_id: "app_someone_else" } });
    expect(wrongApp.status).toBe(200);
    expect(await json(wrongApp)).toMatchObject({ valid: false, code: "PRODUCT_MISMATCH" });
  });

  it("takes the Unity client's explicit nulls and the C# client's charset, as absent and as JSON", async () => {
    const license = await seedLicense(tenant.tenantId);
    const res = await call("/v1/licenses/verify", {
      rawBody: JSON.stringify({ key: license.licenseKey, app_id: null, hwuid: null }),
      headers: { "Content-Type": "application/json; charset=utf-8", Accept: "application/json", Authorization: "Bearer unity-key" },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({ valid: true, code: "VALID" });
  });

  it("answers an unknown key as a value (200, valid: false), which LicenseChain clients read without throwing", async () => {
    const res = await nodeSdkVerify({ key: `lk_${"A".repeat(40)}`, hwuid: await hwuid("x") });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ valid: false, code: "NOT_FOUND", license: null });
  });

  it("refuses a body naming the key twice with different values (422), and accepts it twice alike", async () => {
    const license = await seedLicense(tenant.tenantId);
    const error = await expectError(
      await call("/v1/licenses/verify", { body: { key: license.licenseKey, license_key: `lk_${"B".repeat(40)}` } }),
      422,
      "VALIDATION_FAILED",
    );
    expect(error.details).toEqual([{ path: "key", message: "`key` is an alias of `license_key`; they differ. Send one of them." }]);
    const differentDevice = await call("/v1/licenses/verify", { body: { key: license.licenseKey, hwuid: "a", fingerprint: "b" } });
    await expectError(differentDevice, 422, "VALIDATION_FAILED");
    const same = await call("/v1/licenses/verify", { body: { key: license.licenseKey, license_key: license.licenseKey } });
    expect((await json(same)).valid).toBe(true);
    // Everything else stays strict.
    await expectError(await call("/v1/licenses/verify", { body: { key: license.licenseKey, email: "x@example.com" } }), 422, "VALIDATION_FAILED");
    await expectError(await call("/v1/licenses/verify", { body: { hwuid: "device" } }), 422, "VALIDATION_FAILED");
  });
});

describe("binding a device on its first verify (policy bind_on_verify)", () => {
  it("is off by default: a hardware-bound license answers NOT_ACTIVATED and takes no seat", async () => {
    const license = await seedLicense(tenant.tenantId, { bindingMode: "hardware" });
    const body = await json(await nodeSdkVerify({ key: license.licenseKey, hwuid: await hwuid("first") }));
    expect(body).toMatchObject({ valid: false, code: "NOT_ACTIVATED" });
    expect(await liveSeats(license.licenseId)).toHaveLength(0);
  });

  it("activates the device on its first verify, and the token is bound to it", async () => {
    const license = await seedLicense(tenant.tenantId, { bindingMode: "hardware", bindOnVerify: true, maxActivations: 2 });
    const device = await hwuid("workstation");
    const first = await json(await nodeSdkVerify({ key: license.licenseKey, hwuid: device }));
    expect(first).toMatchObject({ valid: true, code: "VALID" });
    const claims = decodeJwt(first.license_token);
    expect(claims).toMatchObject({ hw_bound: true, fingerprint_sha256: await sha256Hex(device) });
    const seats = await liveSeats(license.licenseId);
    expect(seats.map((s) => s.fingerprint)).toEqual([device]);
    // The second verify finds the seat: still one.
    expect((await json(await nodeSdkVerify({ key: license.licenseKey, hwuid: device }))).valid).toBe(true);
    expect(await liveSeats(license.licenseId)).toHaveLength(1);
    // The activation was announced as activate announces it.
    const events = await withDb((db) =>
      db
        .select()
        .from(webhookEvents)
        .where(and(eq(webhookEvents.tenantId, tenant.tenantId), eq(webhookEvents.type, "activation.created"))),
    );
    expect(events.filter((e) => JSON.parse(e.payload).data.id === seats[0]!.id)).toHaveLength(1);
  });

  it("takes seats exactly under concurrency: 6 devices racing for 2 seats get 2 VALID and 4 TOO_MANY_ACTIVATIONS", async () => {
    const license = await seedLicense(tenant.tenantId, { bindingMode: "hardware", bindOnVerify: true, maxActivations: 2 });
    const devices = await Promise.all(Array.from({ length: 6 }, (_, i) => hwuid(`racer-${i}`)));
    const bodies = await Promise.all(devices.map(async (device) => json(await nodeSdkVerify({ key: license.licenseKey, hwuid: device }))));
    expect(bodies.filter((b) => b.valid).length).toBe(2);
    expect(bodies.filter((b) => b.code === "TOO_MANY_ACTIVATIONS").length).toBe(4);
    expect(bodies.filter((b) => !b.valid).every((b) => b.license_token === undefined)).toBe(true);
    expect(await liveSeats(license.licenseId)).toHaveLength(2);
  });

  it("takes one seat when the same device verifies 5 times at once", async () => {
    const license = await seedLicense(tenant.tenantId, { bindingMode: "hardware", bindOnVerify: true, maxActivations: 3 });
    const device = await hwuid("retrying");
    const bodies = await Promise.all(Array.from({ length: 5 }, async () => json(await nodeSdkVerify({ key: license.licenseKey, hwuid: device }))));
    expect(bodies.map((b) => b.code)).toEqual(["VALID", "VALID", "VALID", "VALID", "VALID"]);
    expect(await liveSeats(license.licenseId)).toHaveLength(1);
  });

  it("never binds for a suspended license", async () => {
    const license = await seedLicense(tenant.tenantId, { bindingMode: "hardware", bindOnVerify: true, status: "suspended" });
    expect(await json(await nodeSdkVerify({ key: license.licenseKey, hwuid: await hwuid("late") }))).toMatchObject({ valid: false, code: "SUSPENDED" });
    expect(await liveSeats(license.licenseId)).toHaveLength(0);
  });

  it("is a policy field of the admin API", async () => {
    const created = await call("/v1/policies", { token: tenant.apiKey, body: { name: "LicenseChain style", binding_mode: "hardware", bind_on_verify: true } });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ binding_mode: "hardware", bind_on_verify: true });
    const defaulted = await json(await call("/v1/policies", { token: tenant.apiKey, body: { name: "default" } }));
    expect(defaulted.bind_on_verify).toBe(false);
  });
});

describe("the other public routes under LicenseChain's names", () => {
  it("activate, heartbeat, validate-hardware and deactivate take key and hwuid", async () => {
    const license = await seedLicense(tenant.tenantId, { bindingMode: "hardware" });
    const device = await hwuid("desk");
    const activated = await call("/v1/licenses/activate", { body: { key: license.licenseKey, hwuid: device, name: "Desk" } });
    expect(activated.status).toBe(201);
    expect((await json(activated)).activation).toMatchObject({ fingerprint: device, name: "Desk" });
    expect((await call("/v1/licenses/heartbeat", { body: { key: license.licenseKey, hwuid: device } })).status).toBe(200);
    const hardware = await json(await call("/v1/licenses/validate-hardware", { body: { key: license.licenseKey, hwuid: device } }));
    expect(hardware).toMatchObject({ valid: true });
    expect(decodeJwt(hardware.license_token)).toMatchObject({ hw_bound: true, fingerprint_sha256: await sha256Hex(device) });
    expect((await json(await call("/v1/licenses/validate", { body: { key: license.licenseKey, hwuid: device } }))).code).toBe("VALID");
    expect((await call("/v1/licenses/deactivate", { body: { key: license.licenseKey, hwuid: device } })).status).toBe(200);
    expect(await liveSeats(license.licenseId)).toHaveLength(0);
  });
});

describe("introspect and revoke-token with license_token", () => {
  const form = (fields: Record<string, string>) => ({
    rawBody: new URLSearchParams(fields).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });

  async function token() {
    const license = await seedLicense(tenant.tenantId);
    return (await json(await nodeSdkVerify({ key: license.licenseKey }))).license_token as string;
  }

  it("introspects license_token in JSON and in form encoding", async () => {
    const t = await token();
    const { jti } = decodeJwt(t);
    const asJson = await call("/v1/licenses/introspect", { token: tenant.apiKey, body: { license_token: t } });
    expect(await json(asJson)).toMatchObject({ active: true, jti, status: "active" });
    const asForm = await call("/v1/licenses/introspect", { token: tenant.apiKey, ...form({ license_token: t }) });
    expect(await json(asForm)).toMatchObject({ active: true, jti });
    await expectError(await call("/v1/licenses/introspect", { token: tenant.apiKey, body: { license_token: t, token: "other" } }), 422, "VALIDATION_FAILED");
  });

  it("revokes by license_token in JSON, and by license_token or token in form encoding", async () => {
    for (const send of [(t: string) => ({ body: { license_token: t } }), (t: string) => form({ license_token: t }), (t: string) => form({ token: t })]) {
      const t = await token();
      const res = await call("/v1/licenses/revoke-token", { token: tenant.apiKey, ...send(t) });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await json(res)).toMatchObject({ revoked: true, jti: decodeJwt(t).jti });
      expect((await introspect(tenant.apiKey, t)).body).toEqual({ active: false, reason: "token_revoked" });
    }
    // Exactly one of jti and the token.
    await expectError(await call("/v1/licenses/revoke-token", { token: tenant.apiKey, ...form({ jti: "x", license_token: "y" }) }), 422, "VALIDATION_FAILED");
    await expectError(await call("/v1/licenses/revoke-token", { token: tenant.apiKey, body: {} }), 422, "VALIDATION_FAILED");
  });
});

describe("what stays ours", () => {
  it("signs webhooks per Standard Webhooks (base64 v1 signatures), not LicenseChain's hex HMAC", async () => {
    // Documented in the README; the OpenAPI webhooks section states the header format.
    const doc = await json(await call("/openapi.json"));
    const signature = doc.webhooks["license.revoked"].post.parameters.find((p: { name: string }) => p.name === "webhook-signature");
    expect(signature.description).toContain("base64 HMAC-SHA256");
  });
});
