// Air-gapped files, attacked: a request file is judged by the activate body's own schema and limits
// (outside finding #12: metadata nested 5,000 deep was stored and served back), and a removal proof
// names the activation it ends and frees it once (finding #8: the same proof also freed the
// device's next activation).

import { ACTIVATION_REQUEST_LABEL, armor, createDeactivationProof, DEACTIVATION_PROOF_LABEL, offlineKeyFromHash } from "@edge-license/sdk";
import { CompactSign } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/crypto/hash";
import { call, createTenant, expectError, json, type TestTenant } from "../harness";
import { type Sold, sell } from "../license-files/helpers";

let tenant: TestTenant;
let sold: Sold;
beforeAll(async () => {
  tenant = await createTenant("air-gapped attacker's target");
  sold = await sell(tenant, { max_activations: 3 });
});

/**
 * A request or proof signed exactly as the SDK signs one (the attacker holds the license key),
 * with any claims; `json` replaces the claims' serialisation (a payload too deep to build as an object).
 */
async function craft(kind: "request" | "proof", claims: Record<string, unknown>, json?: string): Promise<string> {
  const purpose = kind === "request" ? "activation-request" : "deactivation-proof";
  const key = await offlineKeyFromHash(await sha256Hex(sold.licenseKey), purpose);
  const payload = new TextEncoder().encode(json ?? JSON.stringify(claims));
  const jws = await new CompactSign(payload).setProtectedHeader({ alg: "HS256", typ: `${purpose}+jwt` }).sign(key);
  return armor(kind === "request" ? ACTIVATION_REQUEST_LABEL : DEACTIVATION_PROOF_LABEL, jws);
}

const base = () => ({ key_prefix: sold.licenseKey.slice(0, 7), nonce: crypto.randomUUID(), iat: Math.floor(Date.now() / 1000) });
const upload = (request: string) => call("/v1/offline/activations", { token: tenant.apiKey, body: { request, license_id: sold.licenseId } });
const remove = (proof: string) => call("/v1/offline/deactivations", { token: tenant.apiKey, body: { proof, license_id: sold.licenseId } });
const seats = async () => (await json(await call(`/v1/licenses/${sold.licenseId}/activations?limit=100`, { token: tenant.apiKey }))).data;

describe("POST /v1/offline/activations", () => {
  it("refuses a request with metadata nested 5,000 deep (422, the activate body's limit) and stores nothing", async () => {
    const before = (await seats()).length;
    // Arrays are the tersest nesting: 5,000 levels still fit the 16 KB body once base64-encoded.
    const deep = `{"d":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    const json = JSON.stringify({ ...base(), fingerprint: "deep" }).replace(/}$/, `,"metadata":${deep}}`);
    const error = await expectError(await upload(await craft("request", {}, json)), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "request.metadata", message: "Metadata may nest at most 4 levels." }]);
    expect((await seats()).length).toBe(before);
  });

  it.each([
    [
      "a name past 200 characters",
      () => ({ fingerprint: "long-name", name: "n".repeat(201) }),
      "request.name",
      "Too big: expected string to have <=200 characters",
    ],
    ["a fingerprint past 512 characters", () => ({ fingerprint: "f".repeat(513) }), "request.fingerprint", "Too big: expected string to have <=512 characters"],
  ])("refuses a request with %s (422, the activate body's limit) and stores nothing", async (_, claims, path, message) => {
    const before = (await seats()).length;
    const error = await expectError(await upload(await craft("request", { ...base(), ...claims() })), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path, message }]);
    expect((await seats()).length).toBe(before);
  });

  it("refuses a request with a claim the activate body does not take", async () => {
    const error = await expectError(await upload(await craft("request", { ...base(), fingerprint: "x", domain: "evil.example" })), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "request", message: 'Unrecognized key: "domain"' }]);
  });
});

describe("POST /v1/offline/deactivations", () => {
  it("frees the activation a proof names once, and never the same device's next activation", async () => {
    const first = await json(await upload(await craft("request", { ...base(), fingerprint: "vault-3" })));
    const proof = await createDeactivationProof({ licenseKey: sold.licenseKey, fingerprint: "vault-3", activationId: first.activation.id });
    expect((await remove(proof)).status).toBe(200);
    // The device comes back: a new activation of the same fingerprint.
    const second = await json(await upload(await craft("request", { ...base(), fingerprint: "vault-3" })));
    expect(second.activation.id).not.toBe(first.activation.id);
    await expectError(await remove(proof), 404, "ACTIVATION_NOT_FOUND");
    expect((await seats()).map((a: { id: string }) => a.id)).toContain(second.activation.id);
  });

  it("refuses a proof that names no activation (422)", async () => {
    const error = await expectError(await remove(await craft("proof", { ...base(), fingerprint: "vault-3" })), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "request.activation_id", message: "Invalid input: expected string, received undefined" }]);
  });

  it("has the SDK refuse to write a proof without the activation it ends", async () => {
    await expect(createDeactivationProof({ licenseKey: sold.licenseKey, fingerprint: "x" } as never)).rejects.toBeInstanceOf(TypeError);
  });
});
