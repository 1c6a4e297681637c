// The fuzzing tenant's own resources: real ids for path parameters and real values (license key,
// license token, user token) for request fields, so schema-valid requests reach success paths.
// Each block makes a fresh set, since the fuzz itself deletes, revokes and rotates them.

import { env } from "cloudflare:workers";
import { call, callWithEnv, json, type TestTenant } from "../harness";
import { receiverUrl } from "../webhooks/helpers";

/** The local webhook receiver (test/global-setup.ts): deliveries never leave the machine. */
export const RECEIVER = `${(env as unknown as { TEST_WEBHOOK_RECEIVER_URL: string }).TEST_WEBHOOK_RECEIVER_URL}/fuzz`;

export interface Fixtures {
  /** Path ids by the path's resource segment (`applications`, `api-keys`, ...) plus `activation`. */
  ids: Record<string, string>;
  licenseKey: string;
  licenseToken: string;
  userToken: string;
  fingerprint: string;
}

async function ok(path: string, body: unknown, token: string, expected = 201): Promise<any> {
  const res = await call(path, { token, body });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`fixture ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** A webhook endpoint on the local receiver that hears `license.created`: it gives us real deliveries. */
export async function createDeliveryEndpoint(tenant: TestTenant): Promise<string> {
  return (await ok("/v1/webhooks", { url: RECEIVER, event_types: ["license.created"] }, tenant.apiKey)).id;
}

export async function createFixtures(tenant: TestTenant, deliveryEndpoint: string, label: string): Promise<Fixtures> {
  const key = tenant.apiKey;
  const application = await ok("/v1/applications", { name: `fuzz ${label}` }, key);
  const policy = await ok("/v1/policies", { name: `fuzz ${label}`, application_id: application.id, max_activations: null }, key);
  // Through callWithEnv: the license.created delivery attempt has finished when it returns, so
  // the delivery is no longer pending and can be redelivered.
  const licenseRes = await callWithEnv({}, "/v1/licenses", { token: key, body: { policy_id: policy.id, plan: "pro", features: ["a"] } });
  const license = await json(licenseRes);
  if (licenseRes.status !== 201) throw new Error(`fixture license: ${licenseRes.status} ${JSON.stringify(license)}`);
  const fingerprint = `fuzz-device-${label}`;
  const activation = await ok("/v1/licenses/activate", { license_key: license.key, fingerprint }, key);
  const verified = await ok("/v1/licenses/verify", { license_key: license.key }, key, 200);
  const apiKey = await ok("/v1/api-keys", { name: `fuzz target ${label}`, permissions: ["tenants:read"] }, key);
  const userToken = await ok("/v1/user-tokens", { name: `fuzz ${label}`, permissions: ["tenants:read"] }, key);
  // The brief's endpoint: subscribed to an event no request here emits; the local receiver, as the
  // fuzzed POST /v1/webhooks/{id}/test does send to it (never a request off this machine).
  const hook = await ok("/v1/webhooks", { url: receiverUrl(`fuzz-${label}`), event_types: ["license.expired"] }, key);
  const deliveries = await json(await call(`/v1/webhooks/${deliveryEndpoint}/deliveries?limit=1`, { token: key }));
  return {
    ids: {
      applications: application.id,
      policies: policy.id,
      licenses: license.id,
      activation: activation.activation.id,
      "api-keys": apiKey.id,
      "user-tokens": userToken.id,
      webhooks: hook.id,
      "webhook-deliveries": deliveries.data?.[0]?.id ?? "dlv_00000000000000000000000000000000",
    },
    licenseKey: license.key,
    licenseToken: verified.license_token,
    userToken: userToken.token,
    fingerprint,
  };
}
