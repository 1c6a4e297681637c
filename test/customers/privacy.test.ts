// Export then erase a customer with licenses, devices, floating seats, users, groups and audit
// history (issue #26): the export holds everything; after erasure no erased string is left in any
// column of any table, the audit chain still verifies, and the licenses behave as chosen.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduledJobs } from "../../src/scheduled";
import { call, callWithEnv, createTenant, json, type TestTenant, withDb } from "../harness";
import { createCustomer, createGroup, createUser, sellTo, send } from "./helpers";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("Privacy seller");
});

/** Every text, varchar or jsonb column of every table, and how many rows in it contain `needle`. */
async function occurrences(needle: string): Promise<string[]> {
  return withDb(async (db) => {
    const columns = (
      await db.execute(
        sql`select table_name, column_name from information_schema.columns
           where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
      )
    ).rows as { table_name: string; column_name: string }[];
    const found: string[] = [];
    for (const { table_name, column_name } of columns) {
      const rows = (
        await db.execute(sql`select count(*)::int as n from ${sql.identifier(table_name)} where ${sql.identifier(column_name)}::text ilike ${`%${needle}%`}`)
      ).rows as { n: number }[];
      if (rows[0]!.n > 0) found.push(`${table_name}.${column_name}`);
    }
    return found;
  });
}

/** A customer with everything that can hang on it, its personal strings, and its license keys. */
async function populated(tag: string) {
  const secrets = {
    name: `Erika Mustermann ${tag}`,
    email: `erika.${tag}@privacy.example`,
    company: `Mustermann Design ${tag}`,
    external: `cus_stripe_${tag}`,
    metadata: `crm-note-${tag}`,
    userEmail: `max.${tag}@privacy.example`,
    userName: `Max Beispiel ${tag}`,
    groupName: `Grafik ${tag}`,
    device: `erikas-macbook-${tag}`,
    fingerprint: `fp-erika-${tag}-0001`,
    instance: `workstation-erika-${tag}`,
    licenseNote: `order for ${tag}@privacy.example`,
  };
  const customer = await createCustomer(tenant, {
    name: secrets.name,
    email: secrets.email,
    company: secrets.company,
    country: "DE",
    metadata: { note: secrets.metadata },
    external_ids: { stripe: secrets.external },
  });
  const user = await createUser(tenant, customer.id, secrets.userEmail, { name: secrets.userName, metadata: { desk: secrets.metadata } });
  const group = await createGroup(tenant, customer.id, secrets.groupName);
  await send(tenant, "POST", `/v1/groups/${group.id}/members`, { user_id: user.id }, 200);
  await send(tenant, "PATCH", `/v1/customers/${customer.id}`, { company: secrets.company }, 200);
  const bound = await sellTo(tenant, customer.id, { binding_mode: "hardware" }, { metadata: { note: secrets.licenseNote } });
  const floating = await sellTo(tenant, customer.id, { lease_mode: "per_user", max_leases: 3, max_users: 5 });
  await send(tenant, "POST", `/v1/licenses/${floating.licenseId}/groups`, { group_id: group.id }, 200);
  const activated = await call("/v1/licenses/activate", {
    body: { license_key: bound.licenseKey, fingerprint: secrets.fingerprint, name: secrets.device, metadata: { host: secrets.device } },
    headers: { "CF-Connecting-IP": "203.0.113.77", "Idempotency-Key": `idem-${tag}` },
  });
  expect(activated.status).toBe(201);
  const lease = await call("/v1/licenses/leases", { body: { license_key: floating.licenseKey, instance_id: secrets.instance, user: secrets.userEmail } });
  expect(lease.status, await lease.clone().text()).toBe(201);
  return { customer, user, group, bound, floating, secrets };
}

describe("GET /v1/customers/{id}/export (exportCustomer) and POST /v1/customers/{id}/erase (eraseCustomer)", () => {
  it("exports everything held about the customer as one document", async () => {
    const { customer, user, group, bound, floating, secrets } = await populated("exp1");
    const res = await call(`/v1/customers/${customer.id}/export`, { token: tenant.apiKey });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="${customer.id}-export.json"`);
    const doc = await json(res);
    expect(Object.keys(doc).sort()).toEqual(["activity", "audit", "customer", "devices", "events", "exported_at", "groups", "licenses", "seats", "users"]);
    // The activity held about its licenses: the device's activation, with its network, never its address.
    const activated = doc.activity.filter((e: any) => e.operation === "activateDevice" && e.license_id === bound.licenseId);
    expect(activated.map((e: any) => [e.code, e.network])).toEqual([["OK", "203.0.113.0/24"]]);
    expect(doc.customer).toMatchObject({
      id: customer.id,
      name: secrets.name,
      email: secrets.email,
      company: secrets.company,
      external_ids: { stripe: secrets.external },
    });
    expect(doc.users.map((u: any) => [u.id, u.email, u.name])).toEqual([[user.id, secrets.userEmail, secrets.userName]]);
    expect(doc.groups.map((g: any) => [g.id, g.name, g.member_ids])).toEqual([[group.id, secrets.groupName, [user.id]]]);
    expect(doc.licenses.map((l: any) => l.id).sort()).toEqual([bound.licenseId, floating.licenseId].sort());
    expect(doc.devices.map((d: any) => [d.fingerprint, d.name, d.network])).toEqual([[secrets.fingerprint, secrets.device, "203.0.113.0/24"]]);
    expect(doc.seats.map((s: any) => [s.instance_id, s.user])).toEqual([[secrets.instance, user.id]]);
    const eventTypes = doc.events.map((e: any) => e.type);
    for (const type of [
      "customer.created",
      "customer.updated",
      "user.created",
      "group.created",
      "group.updated",
      "license.created",
      "activation.created",
      "lease.created",
    ]) {
      expect(eventTypes).toContain(type);
    }
    const actions = doc.audit.map((a: any) => a.action);
    for (const action of ["customer.create", "customer.update", "user.create", "group.create", "license.create", "license.assign_group"])
      expect(actions).toContain(action);
    // The audit chain holds ids and field names, never the values.
    expect(JSON.stringify(doc.audit)).not.toContain(secrets.company);
    expect(doc.audit.find((a: any) => a.action === "customer.update").details).toEqual({ fields: ["company"] });
  });

  it("erases the personal data from every table, keeps the licenses valid, and the audit chain verifies", async () => {
    const { customer, bound, floating, secrets } = await populated("era1");
    // The client IP is never stored whole, before or after erasure.
    expect(await occurrences("203.0.113.77")).toEqual([]);
    expect((await occurrences(secrets.email)).length).toBeGreaterThan(0);

    const res = await callWithEnv({}, `/v1/customers/${customer.id}/erase`, { token: tenant.apiKey, body: { licenses: "keep" } });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      licenses: "keep",
      licenses_revoked: 0,
      users_deleted: 1,
      groups_deleted: 1,
      devices_released: 1,
      seats_released: 1,
    });
    expect(body.events_scrubbed).toBeGreaterThan(5);
    expect(body.customer).toMatchObject({ id: customer.id, name: null, email: null, company: null, country: null, metadata: {}, external_ids: {} });
    expect(body.customer.erased_at).toEqual(expect.any(String));

    // Deliveries of the events written before the erasure go out after it, scrubbed: run them too.
    await runScheduledJobs(env);
    for (const needle of Object.values(secrets)) expect([needle, await occurrences(needle)]).toEqual([needle, []]);

    const verified = await json(await call("/v1/audit-log/verify", { token: tenant.apiKey }));
    expect(verified).toMatchObject({ ok: true });

    const validate = await json(await call("/v1/licenses/validate", { body: { license_key: floating.licenseKey } }));
    expect(validate).toMatchObject({ valid: true, code: "VALID" });
    // The bound license's device was released: it must activate again.
    const verify = await json(await call("/v1/licenses/verify", { body: { license_key: bound.licenseKey, fingerprint: secrets.fingerprint } }));
    expect(verify).toMatchObject({ valid: false, code: "NOT_ACTIVATED" });

    // Idempotent, and the erased customer takes no new data.
    const again = await json(await call(`/v1/customers/${customer.id}/erase`, { token: tenant.apiKey, body: { licenses: "keep" } }));
    expect(again).toMatchObject({ users_deleted: 0, groups_deleted: 0, devices_released: 0, seats_released: 0 });
    await send(tenant, "PATCH", `/v1/customers/${customer.id}`, { name: "Back again" }, 409);
    await send(tenant, "POST", "/v1/users", { customer_id: customer.id, email: "new@privacy.example" }, 409);
  });

  it("revokes the licenses when asked, and announces the erasure without personal data", async () => {
    const { customer, bound, floating, secrets } = await populated("era2");
    const body = await send(tenant, "POST", `/v1/customers/${customer.id}/erase`, { licenses: "revoke" }, 200);
    expect(body.licenses_revoked).toBe(2);
    for (const key of [bound.licenseKey, floating.licenseKey]) {
      expect(await json(await call("/v1/licenses/validate", { body: { license_key: key } }))).toMatchObject({ valid: false, code: "REVOKED" });
    }
    const audit = await json(await call(`/v1/audit-log?action=customer.erase`, { token: tenant.apiKey }));
    expect(audit.data[0].details).toEqual({
      licenses: "revoke",
      licenses_revoked: 2,
      users_deleted: 1,
      groups_deleted: 1,
      devices_released: 1,
      seats_released: 1,
      events_scrubbed: body.events_scrubbed,
    });
    for (const needle of [secrets.email, secrets.name, secrets.device, secrets.instance]) expect(await occurrences(needle)).toEqual([]);
  });

  it("answers 404 for another tenant's customer, and 403 to a credential without every permission the export reveals", async () => {
    const { customer } = await populated("iso1");
    const other = await createTenant("Other privacy seller");
    expect((await call(`/v1/customers/${customer.id}/export`, { token: other.apiKey })).status).toBe(404);
    expect((await call(`/v1/customers/${customer.id}/erase`, { token: other.apiKey, body: { licenses: "keep" } })).status).toBe(404);
    const narrow = await send(tenant, "POST", "/v1/api-keys", { name: "support", permissions: ["customers:read", "users:read", "licenses:read"] }, 201);
    const res = await call(`/v1/customers/${customer.id}/export`, { token: narrow.key });
    expect(res.status).toBe(403);
    expect((await call(`/v1/customers/${customer.id}/erase`, { token: narrow.key, body: { licenses: "keep" } })).status).toBe(403);
  });
});
