// What the license-file, status-list, air-gapped, lease and SDK tests share: a seller's application,
// policy and license made through the admin API (as a seller would), checkouts, and the deployment's
// key set to pin.
import { expect } from "vitest";
import { call, callWithEnv, json, type TestTenant } from "../harness";

export interface Sold {
  applicationId: string;
  policyId: string;
  licenseId: string;
  licenseKey: string;
}

export async function post(tenant: TestTenant, path: string, body: unknown, status: number): Promise<any> {
  const res = await call(path, { token: tenant.apiKey, body });
  const out = await json(res);
  expect(res.status, `${path}: ${JSON.stringify(out)}`).toBe(status);
  return out;
}

/** An application, a policy (`policy` fields over an unbound default: license files need no device) and one license under it. */
export async function sell(tenant: TestTenant, policy: Record<string, unknown> = {}, license: Record<string, unknown> = {}): Promise<Sold> {
  const app = await post(tenant, "/v1/applications", { name: "Desktop app" }, 201);
  const pol = await post(tenant, "/v1/policies", { name: "Offline", application_id: app.id, binding_mode: "none", max_activations: 5, ...policy }, 201);
  const lic = await post(tenant, "/v1/licenses", { policy_id: pol.id, plan: "pro", features: ["export", "sync"], ...license }, 201);
  return { applicationId: app.id, policyId: pol.id, licenseId: lic.id, licenseKey: lic.key };
}

/** POST /v1/licenses/{id}/checkout; the answer's body. */
export const checkout = (tenant: TestTenant, licenseId: string, body: Record<string, unknown> = {}, status = 201) =>
  post(tenant, `/v1/licenses/${licenseId}/checkout`, body, status);

/** The deployment's published keys, as an app would pin them. */
export const pinnedJwks = async () => json(await call("/v1/licenses/jwks"));

/** Suspend, reinstate or revoke, waiting for the work deferred after the response (the status list's rebuild). */
export async function transition(tenant: TestTenant, licenseId: string, action: "suspend" | "reinstate" | "revoke") {
  const res = await callWithEnv({}, `/v1/licenses/${licenseId}/${action}`, { token: tenant.apiKey, method: "POST" });
  expect(res.status).toBe(200);
}
