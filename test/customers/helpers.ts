// Customers, users and groups made through the API, as a seller's backend would make them.
import { expect } from "vitest";
import { call, json, type TestTenant } from "../harness";

/** A request with the tenant's key; fails the test unless it answers `status`. Returns the body. */
export async function send(t: TestTenant, method: string, path: string, body: unknown, status: number): Promise<any> {
  const res = await call(path, { token: t.apiKey, method, body });
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return text ? JSON.parse(text) : null;
}

export const createCustomer = (t: TestTenant, body: Record<string, unknown> = {}) =>
  send(t, "POST", "/v1/customers", { name: "Acme GmbH", email: "billing@acme.example", ...body }, 201);

export const createUser = (t: TestTenant, customerId: string, email: string, extra: Record<string, unknown> = {}) =>
  send(t, "POST", "/v1/users", { customer_id: customerId, email, ...extra }, 201);

export const createGroup = (t: TestTenant, customerId: string, name: string) => send(t, "POST", "/v1/groups", { customer_id: customerId, name }, 201);

/** An application, a policy (with `policy` fields) and a license of `customerId`. */
export async function sellTo(t: TestTenant, customerId: string | null, policy: Record<string, unknown> = {}, license: Record<string, unknown> = {}) {
  const app = await send(t, "POST", "/v1/applications", { name: "Studio" }, 201);
  const pol = await send(t, "POST", "/v1/policies", { name: "Team", application_id: app.id, max_activations: 10, ...policy }, 201);
  const lic = await send(t, "POST", "/v1/licenses", { policy_id: pol.id, customer_id: customerId, ...license }, 201);
  return { applicationId: app.id as string, policyId: pol.id as string, licenseId: lic.id as string, licenseKey: lic.key as string };
}

export const json200 = async (res: Response) => {
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};
