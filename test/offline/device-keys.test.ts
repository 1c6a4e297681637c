// Air-gapped devices with a device key (DPoP): the request file carries a proof of the key bound to
// the file by its nonce, the activation and its machine file name the key, and only a removal proof
// signed by that key frees the seat: a file forged from the license key (or its hash, say from a
// copy of the database) cannot. Files are made by the SDK, as a device makes them.
import { createActivationRequest, createDeactivationProof, createDeviceKey, deviceKeyThumbprint, unarmorLicenseFile } from "@edge-license/sdk";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, call, createTenant, expectError, json, type TestTenant } from "../harness";
import { type Sold, sell } from "../license-files/helpers";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("air-gapped device keys");
});

const upload = (sold: Sold, request: string) => call("/v1/offline/activations", { token: tenant.apiKey, body: { request, license_id: sold.licenseId } });
const remove = (sold: Sold, proof: string) => call("/v1/offline/deactivations", { token: tenant.apiKey, body: { proof, license_id: sold.licenseId } });

describe("air-gapped activation under proof_of_possession required", () => {
  let sold: Sold;
  beforeAll(async () => {
    sold = await sell(tenant, { binding_mode: "hardware", proof_of_possession: "required" });
  });

  it("a request with the device's key binds the activation; the machine file names the key; only that key removes it", async () => {
    const deviceKey = await createDeviceKey();
    const jkt = await deviceKeyThumbprint(deviceKey);
    const fingerprint = `air-${crypto.randomUUID()}`;
    const request = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint, deviceKey, serviceUrl: BASE });
    const res = await upload(sold, request);
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.activation.dpop_jkt).toBe(jkt);
    expect(decodeJwt(unarmorLicenseFile(body.license_file.license_file)!).cnf).toEqual({ jkt });

    const activationId = body.activation.id;
    // Made with the license key alone (what a copy of the database also allows): refused, the seat stays.
    const unsigned = await createDeactivationProof({ licenseKey: sold.licenseKey, fingerprint, activationId });
    const error = await expectError(await remove(sold, unsigned), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "request.device_proof", message: "Required" }]);
    // Signed by another device's key: refused too.
    const other = await createDeactivationProof({
      licenseKey: sold.licenseKey,
      fingerprint,
      activationId,
      deviceKey: await createDeviceKey(),
      serviceUrl: BASE,
    });
    const otherError = await expectError(await remove(sold, other), 422, "VALIDATION_FAILED");
    expect(otherError.details).toEqual([{ path: "request.device_proof", message: "Made with another key" }]);

    const proof = await createDeactivationProof({ licenseKey: sold.licenseKey, fingerprint, activationId, deviceKey, serviceUrl: BASE });
    expect((await remove(sold, proof)).status).toBe(200);
  });

  it("a request without a device key is refused (422) and takes no seat", async () => {
    const request = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "air-no-key" });
    const error = await expectError(await upload(sold, request), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "request.device_proof", message: "Required" }]);
    const seats = await json(await call(`/v1/licenses/${sold.licenseId}/activations?limit=100`, { token: tenant.apiKey }));
    expect(seats.data.filter((a: { fingerprint: string }) => a.fingerprint === "air-no-key")).toEqual([]);
  });

  it("a device proof lifted from another request (another nonce) is refused", async () => {
    const deviceKey = await createDeviceKey();
    const first = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "air-a", deviceKey, serviceUrl: BASE });
    const lifted = decodeJwt(first.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "")).device_proof as string;
    // A request for another device (the attacker holds the license key) with the first one's proof.
    const { offlineKeyFromHash, armor, ACTIVATION_REQUEST_LABEL } = await import("@edge-license/sdk");
    const { SignJWT } = await import("jose");
    const { sha256Hex } = await import("../../src/crypto/hash");
    const key = await offlineKeyFromHash(await sha256Hex(sold.licenseKey), "activation-request");
    const claims = {
      key_prefix: sold.licenseKey.slice(0, 7),
      fingerprint: "air-b",
      nonce: "another-nonce",
      iat: Math.floor(Date.now() / 1000),
      device_proof: lifted,
    };
    const forged = armor(ACTIVATION_REQUEST_LABEL, await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "activation-request+jwt" }).sign(key));
    const error = await expectError(await upload(sold, forged), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "request.device_proof", message: "it was made for another file (its `nonce` is not this file's)." }]);
  });
});

describe("air-gapped activation under proof_of_possession none", () => {
  it("files without a device key work as before (no key bound)", async () => {
    const sold = await sell(tenant, { binding_mode: "hardware" });
    const request = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "air-plain" });
    const body = await json(await upload(sold, request));
    expect(body.activation.dpop_jkt).toBeNull();
    expect(decodeJwt(unarmorLicenseFile(body.license_file.license_file)!).cnf).toBeUndefined();
    const proof = await createDeactivationProof({ licenseKey: sold.licenseKey, fingerprint: "air-plain", activationId: body.activation.id });
    expect((await remove(sold, proof)).status).toBe(200);
  });
});
