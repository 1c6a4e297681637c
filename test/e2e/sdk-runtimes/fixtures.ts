// What check.mjs is given, made by a running service (the worker in workerd on the test Postgres):
// a seller with an application, a device-bound policy and a license activated on one device; the
// license token verify answered for it and the JWKS that signs it; a token forged with another
// RSA key under the published kid; the license.created delivery as the receiver got it; and a
// license whose policy requires device keys (`proof_of_possession: "required"`), not activated:
// each runtime activates it with a key it creates.
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { expect, inject } from "vitest";
import { newLicenseKey } from "../../../src/crypto/random.ts";
import type { Delivery } from "./site.ts";

export interface Fixtures {
  baseUrl: string;
  /** The seller's API key, for introspection (a server-side call; here only to test it). */
  apiKey: string;
  issuer: string;
  jwksUri: string;
  jwks: { keys: Record<string, unknown>[] };
  applicationId: string;
  licenseId: string;
  licenseKey: string;
  fingerprint: string;
  features: string[];
  token: string;
  tokenId: string;
  forged: string;
  unknownKey: string;
  unreachableUrl: string;
  webhook: Delivery & { secret: string; type: string };
  /** Under a policy with `proof_of_possession: "required"`: every device route needs a DPoP proof. */
  dpop: { licenseId: string; licenseKey: string };
}

type Api = (path: string, init?: { token?: string; body?: unknown }) => Promise<{ status: number; body: any }>;

export function api(base: string): Api {
  return async (path, init = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: init.body === undefined ? "GET" : "POST",
      headers: { ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}), ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: await res.json() };
  };
}

/** POSTs and fails unless the status is `status`. */
async function expectPost(call: Api, path: string, status: number, token: string, body: unknown) {
  const res = await call(path, { token, body });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

export async function makeFixtures(options: {
  base: string;
  issuer: string;
  /** Where the service delivers webhooks, and how to wait for one. */
  hooks: { url: string; next(type: string): Promise<Delivery> };
  unreachableUrl: string;
}): Promise<Fixtures> {
  const call = api(options.base);
  const seller = await expectPost(call, "/v1/tenants", 201, inject("operatorToken"), { name: "SDK runtimes", plan_tier: "pro" });
  const key: string = seller.api_key.key;
  const app = await expectPost(call, "/v1/applications", 201, key, { name: "Desktop app" });
  const policy = await expectPost(call, "/v1/policies", 201, key, {
    name: "Node-locked",
    application_id: app.id,
    binding_mode: "hardware",
    max_activations: 2,
  });
  const endpoint = await expectPost(call, "/v1/webhooks", 201, key, { url: options.hooks.url, event_types: ["license.created"] });
  const delivered = options.hooks.next("license.created");
  const features = ["export", "sync"];
  const license = await expectPost(call, "/v1/licenses", 201, key, { policy_id: policy.id, plan: "pro", features });
  const webhook = await delivered;
  // One seat per runtime (five), each on its own fingerprint and key, and room to spare.
  const keyBound = await expectPost(call, "/v1/policies", 201, key, {
    name: "Device-bound",
    application_id: app.id,
    binding_mode: "hardware",
    max_activations: 10,
    proof_of_possession: "required",
  });
  expect(keyBound.proof_of_possession).toBe("required");
  const dpopLicense = await expectPost(call, "/v1/licenses", 201, key, { policy_id: keyBound.id, plan: "pro", features });

  const fingerprint = "machine-7f3a9c";
  await expectPost(call, "/v1/licenses/activate", 201, "", { license_key: license.key, fingerprint });
  const verified = await expectPost(call, "/v1/licenses/verify", 200, "", { license_key: license.key, fingerprint });
  expect(verified.valid).toBe(true);
  const token: string = verified.license_token;
  const jwks = (await call("/v1/licenses/jwks")).body;

  // Same claims and header, signed by a key the service never published.
  const { privateKey } = await generateKeyPair("RS256");
  const header = decodeProtectedHeader(token);
  const forged = await new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: "RS256", typ: header.typ, kid: header.kid }).sign(privateKey);

  return {
    baseUrl: options.base,
    apiKey: key,
    issuer: options.issuer,
    jwksUri: `${options.base}/v1/licenses/jwks`,
    jwks,
    applicationId: app.id,
    licenseId: license.id,
    licenseKey: license.key,
    fingerprint,
    features,
    token,
    tokenId: decodeJwt(token).jti!,
    forged,
    unknownKey: newLicenseKey(),
    unreachableUrl: options.unreachableUrl,
    webhook: { ...webhook, secret: endpoint.secret, type: "license.created" },
    dpop: { licenseId: dpopLicense.id, licenseKey: dpopLicense.key },
  };
}
