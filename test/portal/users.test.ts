// The portal's people: a customer admin (the account holder's session, or an `admin` user's) lists,
// adds and removes the customer's users and gives them seats within the policy's max_users; a
// member's session is 403; another customer's users and licenses are 404; demoting a user takes the
// right away from their live session and deleting them ends it; every change is audited with the
// customer as actor and announced with the admin API's own events.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCustomer, createGroup, createUser, sellTo, send } from "../customers/helpers";
import { call, createTenant, expectError, json, type TestTenant, withDb } from "../harness";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("portal people");
});

const codeOf = (url: string) => new URL(url).hash.replace(/^#code=/, "");
async function open(customerId: string, userId?: string): Promise<string> {
  const session = await send(tenant, "POST", "/v1/portal/sessions", { customer_id: customerId, ...(userId ? { user_id: userId } : {}) }, 201);
  expect(session.user_id).toBe(userId ?? null);
  const body = await json(await call("/v1/portal/exchange", { body: { code: codeOf(session.url) } }));
  return body.token as string;
}
const portal = (token: string, path: string, method = "GET", body?: unknown) => call(path, { token, method, body });
async function ok(res: Response, status = 200) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return text ? JSON.parse(text) : null;
}

describe("GET/POST/DELETE /v1/portal/users (listPortalUsers, createPortalUser, deletePortalUser)", () => {
  it("lets the account holder add, list and remove users, audited with the customer as actor and announced as user.created/deleted", async () => {
    const customer = await createCustomer(tenant, { name: "Holder Ltd" });
    const token = await open(customer.id);
    const me = await ok(await portal(token, "/v1/portal/me"));
    expect(me.viewer).toEqual({ user: null, can_manage_users: true });

    const added = await ok(await portal(token, "/v1/portal/users", "POST", { email: "Ana@Holder.example", name: "Ana" }), 201);
    expect(added).toMatchObject({ email: "ana@holder.example", name: "Ana", role: "member" });
    expect(Object.keys(added).sort()).toEqual(["created_at", "email", "id", "name", "role"]);
    await expectError(await portal(token, "/v1/portal/users", "POST", { email: "ana@holder.example" }), 409, "CONFLICT");
    await expectError(await portal(token, "/v1/portal/users", "POST", { email: "not-an-email" }), 422, "VALIDATION_FAILED");
    await expectError(await portal(token, "/v1/portal/users", "POST", { email: "x@holder.example", customer_id: "cust_other" }), 422, "VALIDATION_FAILED");

    const listed = await ok(await portal(token, "/v1/portal/users"));
    expect(listed).toEqual({ data: [added], has_more: false });

    await ok(await portal(token, `/v1/portal/users/${added.id}`, "DELETE"), 204);
    await expectError(await portal(token, `/v1/portal/users/${added.id}`, "DELETE"), 404, "NOT_FOUND");
    expect((await ok(await portal(token, "/v1/portal/users"))).data).toEqual([]);

    const audit = await json(await call("/v1/audit-log?limit=100", { token: tenant.apiKey }));
    expect(
      audit.data
        .filter((e: any) => e.target_id === added.id)
        .map((e: any) => [e.action, e.actor])
        .sort(),
    ).toEqual([
      ["user.create", customer.id],
      ["user.delete", customer.id],
    ]);
    const types = await withDb(
      async (db) =>
        (await db.execute(sql`select type from webhook_events where tenant_id = ${tenant.tenantId} and payload like ${`%${added.id}%`} order by type`))
          .rows as { type: string }[],
    );
    expect(types.map((t) => t.type)).toEqual(["user.created", "user.deleted"]);
  });

  it("gives a member's session 403 on every people operation, and an admin user's session the rights until they are demoted", async () => {
    const customer = await createCustomer(tenant, { name: "Roles Inc" });
    const sold = await sellTo(tenant, customer.id, { max_users: 5 });
    const member = await createUser(tenant, customer.id, "member@roles.example");
    const boss = await createUser(tenant, customer.id, "boss@roles.example", { role: "admin", name: "Boss" });

    const memberToken = await open(customer.id, member.id);
    expect((await ok(await portal(memberToken, "/v1/portal/me"))).viewer).toMatchObject({ user: { id: member.id, role: "member" }, can_manage_users: false });
    for (const [method, path, body] of [
      ["GET", "/v1/portal/users"],
      ["POST", "/v1/portal/users", { email: "sneaky@roles.example" }],
      ["DELETE", `/v1/portal/users/${boss.id}`],
      ["GET", `/v1/portal/licenses/${sold.licenseId}/users`],
      ["PUT", `/v1/portal/licenses/${sold.licenseId}/users/${member.id}`],
      ["DELETE", `/v1/portal/licenses/${sold.licenseId}/users/${member.id}`],
    ] as const) {
      await expectError(await portal(memberToken, path, method, body), 403, "FORBIDDEN");
    }
    // The member still reads its licenses (and frees its devices).
    await ok(await portal(memberToken, `/v1/portal/licenses/${sold.licenseId}`));

    const bossToken = await open(customer.id, boss.id);
    await ok(await portal(bossToken, `/v1/portal/licenses/${sold.licenseId}/users/${member.id}`, "PUT"));
    // An admin cannot remove themselves.
    await expectError(await portal(bossToken, `/v1/portal/users/${boss.id}`, "DELETE"), 409, "CONFLICT");
    // Demoted by the seller: the live session loses the rights on its next request.
    await send(tenant, "PATCH", `/v1/users/${boss.id}`, { role: "member" }, 200);
    await expectError(await portal(bossToken, "/v1/portal/users"), 403, "FORBIDDEN");
    // Deleted: the session ends.
    await send(tenant, "DELETE", `/v1/users/${boss.id}`, undefined, 204);
    await expectError(await portal(bossToken, "/v1/portal/me"), 401, "UNAUTHORIZED");
  });

  it("refuses a session for another customer's user, and finds no other customer's user or license", async () => {
    const a = await createCustomer(tenant, { name: "A Corp" });
    const b = await createCustomer(tenant, { name: "B Corp" });
    const bUser = await createUser(tenant, b.id, "someone@b.example");
    const bSold = await sellTo(tenant, b.id, { max_users: 3 });
    await expectError(
      await call("/v1/portal/sessions", { token: tenant.apiKey, method: "POST", body: { customer_id: a.id, user_id: bUser.id } }),
      404,
      "NOT_FOUND",
    );
    const aSold = await sellTo(tenant, a.id, { max_users: 3 });
    const token = await open(a.id);
    await expectError(await portal(token, `/v1/portal/users/${bUser.id}`, "DELETE"), 404, "NOT_FOUND");
    await expectError(await portal(token, `/v1/portal/licenses/${aSold.licenseId}/users/${bUser.id}`, "PUT"), 404, "NOT_FOUND");
    await expectError(await portal(token, `/v1/portal/licenses/${bSold.licenseId}/users`), 404, "NOT_FOUND");
    const aUser = await createUser(tenant, a.id, "mine@a.example");
    await expectError(await portal(token, `/v1/portal/licenses/${bSold.licenseId}/users/${aUser.id}`, "PUT"), 404, "NOT_FOUND");
    // Nothing changed on B's side.
    expect((await send(tenant, "GET", `/v1/licenses/${bSold.licenseId}/assignments`, undefined, 200)).users).toEqual([]);
  });
});

describe("PUT/DELETE /v1/portal/licenses/{id}/users/{user_id} (assignPortalSeat, unassignPortalSeat) and GET …/users (getPortalLicenseHolders)", () => {
  it("assigns within max_users (409 TOO_MANY_USERS past it, nothing changed), counts group members, and unassigning ends the user's floating seats", async () => {
    const customer = await createCustomer(tenant, { name: "Seats GmbH" });
    const sold = await sellTo(tenant, customer.id, { max_users: 2, lease_mode: "per_user", max_leases: 5, lease_ttl_s: 600 });
    const [u1, u2, u3] = await Promise.all(["one", "two", "three"].map((n) => createUser(tenant, customer.id, `${n}@seats.example`)));
    const group = await createGroup(tenant, customer.id, "Design");
    const token = await open(customer.id);

    const first = await ok(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users/${u1.id}`, "PUT"));
    expect(first).toMatchObject({ holders: 1, max_users: 2, groups: [] });
    expect(first.users.map((u: any) => u.id)).toEqual([u1.id]);
    // Idempotent.
    expect((await ok(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users/${u1.id}`, "PUT"))).holders).toBe(1);
    await ok(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users/${u2.id}`, "PUT"));
    await expectError(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users/${u3.id}`, "PUT"), 409, "TOO_MANY_USERS");
    const holders = await ok(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users`));
    expect(holders.users.map((u: any) => u.id)).toEqual([u1.id, u2.id]);
    expect(holders.holders).toBe(2);

    // A seller-made group shows, read-only, with its member count.
    await send(tenant, "POST", `/v1/groups/${group.id}/members`, { user_id: u1.id }, 200);
    await send(tenant, "POST", `/v1/licenses/${sold.licenseId}/groups`, { group_id: group.id }, 200);
    expect((await ok(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users`))).groups).toEqual([{ id: group.id, name: "Design", members: 1 }]);

    // u2 holds a floating seat; taking the license back ends it.
    const lease = await json(await call("/v1/licenses/leases", { body: { license_key: sold.licenseKey, instance_id: "inst-u2", user: "two@seats.example" } }));
    expect(lease.lease?.id, JSON.stringify(lease)).toBeTruthy();
    const after = await ok(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users/${u2.id}`, "DELETE"));
    expect(after.users.map((u: any) => u.id)).toEqual([u1.id]);
    await expectError(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users/${u2.id}`, "DELETE"), 404, "NOT_FOUND");
    const leases = await json(await call(`/v1/licenses/${sold.licenseId}/leases`, { token: tenant.apiKey }));
    expect(leases.data.filter((l: any) => l.id === lease.lease.id)).toEqual([]);

    const audit = await json(await call("/v1/audit-log?limit=100", { token: tenant.apiKey }));
    const byCustomer = audit.data.filter((e: any) => e.actor === customer.id).map((e: any) => [e.action, e.target_id]);
    expect(byCustomer.sort()).toEqual([
      ["lease.release", lease.lease.id],
      ["license.assign_user", sold.licenseId],
      ["license.assign_user", sold.licenseId],
      ["license.unassign_user", sold.licenseId],
    ]);
  });

  it("races five assignments for the last seat: exactly one wins", async () => {
    const customer = await createCustomer(tenant, { name: "Race Seats" });
    const sold = await sellTo(tenant, customer.id, { max_users: 1 });
    const users = await Promise.all(Array.from({ length: 5 }, (_, i) => createUser(tenant, customer.id, `racer${i}@seats.example`)));
    const token = await open(customer.id);
    const answers = await Promise.all(users.map((u) => portal(token, `/v1/portal/licenses/${sold.licenseId}/users/${u.id}`, "PUT")));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect((await ok(await portal(token, `/v1/portal/licenses/${sold.licenseId}/users`))).holders).toBe(1);
  });
});
