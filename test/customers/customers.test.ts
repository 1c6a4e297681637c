// Customers (issue #26): CRUD, search by name, email, company and external id, licenses that
// belong to one (create, PATCH, filter, search by the customer's name), the detail's counts,
// events and audit rows that name fields and never values, and tenant isolation.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, json, type TestTenant } from "../harness";
import { createCustomer, createUser, sellTo, send } from "./helpers";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("Customers seller");
});

describe("POST /v1/customers (createCustomer) and GET /v1/customers/{id} (getCustomer)", () => {
  it("creates a customer with its external ids and answers it with counts", async () => {
    const created = await createCustomer(tenant, {
      name: "Nordwind AG",
      email: "Einkauf@Nordwind.example",
      company: "Nordwind AG",
      country: "AT",
      metadata: { segment: "smb" },
      external_ids: { stripe: "cus_nordwind1", crm: "42" },
    });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^cust_/),
      name: "Nordwind AG",
      email: "einkauf@nordwind.example",
      country: "AT",
      external_ids: { stripe: "cus_nordwind1", crm: "42" },
      metadata: { segment: "smb" },
      erased_at: null,
    });
    const detail = await send(tenant, "GET", `/v1/customers/${created.id}`, undefined, 200);
    expect(detail).toEqual({ ...created, counts: { licenses: 0, users: 0, groups: 0, devices: 0, seats: 0 } });
  });

  it("refuses a malformed email or country (422), and another customer's external id (409)", async () => {
    await send(tenant, "POST", "/v1/customers", { name: "X", email: "not-an-email" }, 422);
    await send(tenant, "POST", "/v1/customers", { name: "X", email: "x@y.example", country: "Germany" }, 422);
    await send(tenant, "POST", "/v1/customers", { name: "X", email: "x@y.example", external_ids: { "Bad Provider": "1" } }, 422);
    await createCustomer(tenant, { external_ids: { stripe: "cus_taken" } });
    const taken = await send(tenant, "POST", "/v1/customers", { name: "Y", email: "y@y.example", external_ids: { stripe: "cus_taken" } }, 409);
    expect(taken.error.code).toBe("CONFLICT");
    // Another tenant may use the same provider id.
    const other = await createTenant("Customers other seller");
    await createCustomer(other, { external_ids: { stripe: "cus_taken" } });
  });
});

describe("GET /v1/customers (listCustomers)", () => {
  it("finds a customer by name, email, company, id and external id, and fetches named ids", async () => {
    const t = await createTenant("Customers search seller");
    const a = await createCustomer(t, { name: "Fjord Studio", email: "hi@fjord.example", company: "Fjord ApS", external_ids: { paddle: "ctm_fjord" } });
    const b = await createCustomer(t, { name: "Other", email: "o@other.example" });
    const find = async (query: string) => (await send(t, "GET", `/v1/customers?${query}`, undefined, 200)).data.map((c: any) => c.id);
    expect(await find("q=fjord")).toEqual([a.id]);
    expect(await find("q=HI%40FJORD")).toEqual([a.id]);
    expect(await find("q=ApS")).toEqual([a.id]);
    expect(await find(`q=${a.id}`)).toEqual([a.id]);
    expect(await find("q=ctm_fjord")).toEqual([a.id]);
    expect(await find("q=%25")).toEqual([]);
    expect(await find(`ids=${b.id},${a.id}`)).toEqual([b.id, a.id]);
    expect(await find("")).toEqual([b.id, a.id]);
  });
});

describe("PATCH /v1/customers/{id} (updateCustomer) and DELETE /v1/customers/{id} (deleteCustomer)", () => {
  it("updates fields and external ids (null removes one); the audit row names the fields only", async () => {
    const c = await createCustomer(tenant, { external_ids: { stripe: "cus_patch1", crm: "7" } });
    const updated = await send(tenant, "PATCH", `/v1/customers/${c.id}`, { email: "new@patch.example", external_ids: { crm: null, polar: "pol_1" } }, 200);
    expect(updated).toMatchObject({ email: "new@patch.example", external_ids: { stripe: "cus_patch1", polar: "pol_1" } });
    const audit = await send(tenant, "GET", `/v1/audit-log?action=customer.update`, undefined, 200);
    const row = audit.data.find((a: any) => a.target_id === c.id);
    expect(row.details).toEqual({ fields: ["email", "external_ids"] });
    await send(tenant, "PATCH", `/v1/customers/${c.id}`, {}, 422);
  });

  it("deletes a customer without licenses with its users; one that owns licenses is 409", async () => {
    const c = await createCustomer(tenant);
    const u = await createUser(tenant, c.id, "gone@delete.example");
    await send(tenant, "DELETE", `/v1/customers/${c.id}`, undefined, 204);
    await send(tenant, "GET", `/v1/users/${u.id}`, undefined, 404);
    await send(tenant, "GET", `/v1/customers/${c.id}`, undefined, 404);
    const owner = await createCustomer(tenant);
    await sellTo(tenant, owner.id);
    expect((await send(tenant, "DELETE", `/v1/customers/${owner.id}`, undefined, 409)).error.code).toBe("CONFLICT");
  });
});

describe("licenses that belong to a customer", () => {
  it("POST /v1/licenses and PATCH /v1/licenses/{id} set customer_id; GET /v1/licenses filters and searches by it", async () => {
    const t = await createTenant("License owners seller");
    const acme = await createCustomer(t, { name: "Acme Robotics", company: "Acme Robotics Ltd" });
    const beta = await createCustomer(t, { name: "Beta Labs", email: "beta@labs.example" });
    const first = await sellTo(t, acme.id);
    const second = await sellTo(t, null);
    expect((await send(t, "GET", `/v1/licenses/${first.licenseId}`, undefined, 200)).customer_id).toBe(acme.id);
    expect((await send(t, "PATCH", `/v1/licenses/${second.licenseId}`, { customer_id: beta.id }, 200)).customer_id).toBe(beta.id);
    const ids = async (query: string) => (await send(t, "GET", `/v1/licenses?${query}`, undefined, 200)).data.map((l: any) => l.id);
    expect(await ids(`customer_id=${acme.id}`)).toEqual([first.licenseId]);
    expect(await ids("q=robotics")).toEqual([first.licenseId]);
    expect(await ids("q=beta%40labs")).toEqual([second.licenseId]);
    await send(t, "PATCH", `/v1/licenses/${second.licenseId}`, { customer_id: "cust_missing" }, 404);
    expect((await send(t, "PATCH", `/v1/licenses/${second.licenseId}`, { customer_id: null }, 200)).customer_id).toBeNull();
  });

  it("refuses to move a license with named seats to another customer (409) until they are unassigned", async () => {
    const [a, b] = [await createCustomer(tenant), await createCustomer(tenant)];
    const { licenseId } = await sellTo(tenant, a.id);
    const user = await createUser(tenant, a.id, "seat@move.example");
    await send(tenant, "POST", `/v1/licenses/${licenseId}/users`, { user_id: user.id }, 200);
    await send(tenant, "PATCH", `/v1/licenses/${licenseId}`, { customer_id: b.id }, 409);
    await send(tenant, "DELETE", `/v1/licenses/${licenseId}/users/${user.id}`, undefined, 200);
    await send(tenant, "PATCH", `/v1/licenses/${licenseId}`, { customer_id: b.id }, 200);
  });

  it("GET /v1/customers/{id}/devices (listCustomerDevices) and GET /v1/customers/{id}/seats (listCustomerSeats) list what is live", async () => {
    const c = await createCustomer(tenant);
    const bound = await sellTo(tenant, c.id);
    const floating = await sellTo(tenant, c.id, { lease_mode: "per_license", max_leases: 2 });
    const act = await json(await call("/v1/licenses/activate", { body: { license_key: bound.licenseKey, fingerprint: "fp-customer-dev" } }));
    const lease = await json(await call("/v1/licenses/leases", { body: { license_key: floating.licenseKey, instance_id: "i-1" } }));
    const devices = await send(tenant, "GET", `/v1/customers/${c.id}/devices`, undefined, 200);
    expect(devices.data.map((d: any) => d.id)).toEqual([act.activation.id]);
    const seats = await send(tenant, "GET", `/v1/customers/${c.id}/seats`, undefined, 200);
    expect(seats.data.map((s: any) => s.id)).toEqual([lease.lease.id]);
    expect((await send(tenant, "GET", `/v1/customers/${c.id}`, undefined, 200)).counts).toEqual({ licenses: 2, users: 0, groups: 0, devices: 1, seats: 1 });
  });
});

describe("customers of another tenant", () => {
  it("answer 404 on every customer route, and cannot own another tenant's license", async () => {
    const mine = await createCustomer(tenant);
    const other = await createTenant("Customers intruder");
    for (const [method, path, body] of [
      ["GET", `/v1/customers/${mine.id}`],
      ["PATCH", `/v1/customers/${mine.id}`, { name: "Stolen" }],
      ["DELETE", `/v1/customers/${mine.id}`],
      ["GET", `/v1/customers/${mine.id}/devices`],
      ["GET", `/v1/customers/${mine.id}/seats`],
    ] as const) {
      const res = await call(path, { token: other.apiKey, method, body });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    expect((await send(other, "GET", `/v1/customers?ids=${mine.id}`, undefined, 200)).data).toEqual([]);
    const app = await send(other, "POST", "/v1/applications", { name: "x" }, 201);
    const pol = await send(other, "POST", "/v1/policies", { name: "x", application_id: app.id }, 201);
    await send(other, "POST", "/v1/licenses", { policy_id: pol.id, customer_id: mine.id }, 404);
  });
});
