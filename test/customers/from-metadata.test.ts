// The data move of issue #26 (scripts/lib/customers-from-metadata.ts), run against the worker: a
// dry run changes nothing, --apply gives each license with a metadata email a customer (reusing
// one the tenant has), and a second run is a no-op.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { moveCustomersFromMetadata } from "../../scripts/lib/customers-from-metadata";
import { createTenant } from "../harness";
import { createCustomer, sellTo, send } from "./helpers";

describe("npm run customers:from-metadata", () => {
  it("creates customers from metadata.email/company once, idempotently, through the admin API", async () => {
    const t = await createTenant("Metadata move seller");
    const existing = await createCustomer(t, { name: "Known GmbH", email: "known@move.example" });
    const a = await sellTo(t, null, {}, { metadata: { email: "New@Move.example", company: "New Co", order: "A-1" } });
    const b = await sellTo(t, null, {}, { metadata: { email: "new@move.example" } });
    const c = await sellTo(t, null, {}, { metadata: { email: "known@move.example" } });
    const d = await sellTo(t, null, {}, { metadata: { note: "no email" } });
    const fetch = (url: string | URL | Request, init?: RequestInit) => exports.default.fetch(new Request(url, init));
    const options = { baseUrl: "https://license.test", apiKey: t.apiKey, fetch: fetch as typeof globalThis.fetch };

    const plan = await moveCustomersFromMetadata({ ...options, apply: false });
    expect(plan).toEqual({ licensesSeen: 4, assigned: 3, customersCreated: 1, skipped: 1 });
    expect((await send(t, "GET", `/v1/licenses/${a.licenseId}`, undefined, 200)).customer_id).toBeNull();

    expect(await moveCustomersFromMetadata({ ...options, apply: true })).toEqual(plan);
    const owner = async (id: string) => (await send(t, "GET", `/v1/licenses/${id}`, undefined, 200)).customer_id;
    const created = await owner(a.licenseId);
    expect(await owner(b.licenseId)).toBe(created);
    expect(await owner(c.licenseId)).toBe(existing.id);
    expect(await owner(d.licenseId)).toBeNull();
    expect(await send(t, "GET", `/v1/customers/${created}`, undefined, 200)).toMatchObject({ name: "New Co", email: "new@move.example", company: "New Co" });

    expect(await moveCustomersFromMetadata({ ...options, apply: true })).toEqual({ licensesSeen: 4, assigned: 0, customersCreated: 0, skipped: 1 });
  });
});
