// Users and groups (issue #26): the people under a customer and their teams. Emails are unique per
// customer (case-insensitive); groups hold only their customer's users; everything is tenant-scoped;
// every change is announced and audited with field names only.
import { beforeAll, describe, expect, it } from "vitest";
import { createCustomer, createGroup, createUser, send } from "../customers/helpers";
import { call, createTenant, type TestTenant } from "../harness";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("Users seller");
});

describe("POST /v1/users (createUser), GET /v1/users (listUsers), GET /v1/users/{id} (getUser)", () => {
  it("creates users under a customer, unique by email within it, and lists them by customer, group or text", async () => {
    const c = await createCustomer(tenant);
    const ann = await createUser(tenant, c.id, "Ann@Team.example", { name: "Ann Lee", role: "admin" });
    expect(ann).toMatchObject({
      id: expect.stringMatching(/^user_/),
      customer_id: c.id,
      email: "ann@team.example",
      name: "Ann Lee",
      role: "admin",
      metadata: {},
    });
    const bob = await createUser(tenant, c.id, "bob@team.example");
    expect(bob.role).toBe("member");
    const dup = await send(tenant, "POST", "/v1/users", { customer_id: c.id, email: "ANN@team.example" }, 409);
    expect(dup.error.code).toBe("CONFLICT");
    // Another customer may have a user with the same email.
    const other = await createCustomer(tenant);
    await createUser(tenant, other.id, "ann@team.example");
    await send(tenant, "POST", "/v1/users", { customer_id: "cust_missing", email: "x@team.example" }, 404);
    await send(tenant, "POST", "/v1/users", { customer_id: c.id, email: "x@team.example", role: "owner" }, 422);

    const list = async (query: string) => (await send(tenant, "GET", `/v1/users?${query}`, undefined, 200)).data.map((u: any) => u.id);
    expect(await list(`customer_id=${c.id}`)).toEqual([bob.id, ann.id]);
    expect(await list(`customer_id=${c.id}&q=lee`)).toEqual([ann.id]);
    const group = await createGroup(tenant, c.id, "Admins");
    await send(tenant, "POST", `/v1/groups/${group.id}/members`, { user_id: ann.id }, 200);
    expect(await list(`group_id=${group.id}`)).toEqual([ann.id]);
    expect(await send(tenant, "GET", `/v1/users/${ann.id}`, undefined, 200)).toEqual(ann);
  });
});

describe("PATCH /v1/users/{id} (updateUser) and DELETE /v1/users/{id} (deleteUser)", () => {
  it("updates a user and audits the field names; deleting removes its memberships", async () => {
    const c = await createCustomer(tenant);
    const u = await createUser(tenant, c.id, "old@team.example");
    const updated = await send(tenant, "PATCH", `/v1/users/${u.id}`, { email: "new@team.example", name: "New Name" }, 200);
    expect(updated).toMatchObject({ email: "new@team.example", name: "New Name" });
    const audit = await send(tenant, "GET", "/v1/audit-log?action=user.update", undefined, 200);
    expect(audit.data.find((a: any) => a.target_id === u.id).details).toEqual({ fields: ["email", "name"] });
    const group = await createGroup(tenant, c.id, "Leavers");
    await send(tenant, "POST", `/v1/groups/${group.id}/members`, { user_id: u.id }, 200);
    await send(tenant, "DELETE", `/v1/users/${u.id}`, undefined, 204);
    expect((await send(tenant, "GET", `/v1/groups/${group.id}`, undefined, 200)).member_ids).toEqual([]);
    await send(tenant, "DELETE", `/v1/users/${u.id}`, undefined, 404);
  });
});

describe("groups: POST /v1/groups (createGroup), GET /v1/groups (listGroups), GET /v1/groups/{id} (getGroup), PATCH /v1/groups/{id} (updateGroup), DELETE /v1/groups/{id} (deleteGroup)", () => {
  it("creates, renames (unique per customer), lists by customer and deletes groups", async () => {
    const c = await createCustomer(tenant);
    const g = await createGroup(tenant, c.id, "Design");
    expect(g).toMatchObject({ id: expect.stringMatching(/^grp_/), customer_id: c.id, name: "Design", member_ids: [] });
    await createGroup(tenant, c.id, "Sales");
    await send(tenant, "POST", "/v1/groups", { customer_id: c.id, name: "Design" }, 409);
    await send(tenant, "PATCH", `/v1/groups/${g.id}`, { name: "Sales" }, 409);
    expect((await send(tenant, "PATCH", `/v1/groups/${g.id}`, { name: "Product design" }, 200)).name).toBe("Product design");
    const listed = await send(tenant, "GET", `/v1/groups?customer_id=${c.id}`, undefined, 200);
    expect(listed.data.map((x: any) => x.name)).toEqual(["Sales", "Product design"]);
    await send(tenant, "DELETE", `/v1/groups/${g.id}`, undefined, 204);
    await send(tenant, "GET", `/v1/groups/${g.id}`, undefined, 404);
  });
});

describe("POST /v1/groups/{id}/members (addGroupMember) and DELETE /v1/groups/{id}/members/{user_id} (removeGroupMember)", () => {
  it("adds its customer's users only (409 CUSTOMER_MISMATCH), idempotently; removing a non-member is 404", async () => {
    const [a, b] = [await createCustomer(tenant), await createCustomer(tenant)];
    const g = await createGroup(tenant, a.id, "Team");
    const [mine, theirs] = [await createUser(tenant, a.id, "m@members.example"), await createUser(tenant, b.id, "t@members.example")];
    expect((await send(tenant, "POST", `/v1/groups/${g.id}/members`, { user_id: mine.id }, 200)).member_ids).toEqual([mine.id]);
    expect((await send(tenant, "POST", `/v1/groups/${g.id}/members`, { user_id: mine.id }, 200)).member_ids).toEqual([mine.id]);
    expect((await send(tenant, "POST", `/v1/groups/${g.id}/members`, { user_id: theirs.id }, 409)).error.code).toBe("CUSTOMER_MISMATCH");
    expect((await send(tenant, "DELETE", `/v1/groups/${g.id}/members/${mine.id}`, undefined, 200)).member_ids).toEqual([]);
    await send(tenant, "DELETE", `/v1/groups/${g.id}/members/${mine.id}`, undefined, 404);
    const events = await send(tenant, "GET", "/v1/audit-log?action=group", undefined, 200);
    expect(events.data.filter((e: any) => e.target_id === g.id).map((e: any) => e.details)).toEqual([
      { removed_user_id: mine.id },
      { added_user_id: mine.id },
      { customer_id: a.id },
    ]);
  });
});

describe("users and groups of another tenant", () => {
  it("answer 404 everywhere, and another tenant's customer takes no users or groups", async () => {
    const c = await createCustomer(tenant);
    const u = await createUser(tenant, c.id, "iso@members.example");
    const g = await createGroup(tenant, c.id, "Isolated");
    const other = await createTenant("Users intruder");
    for (const [method, path, body] of [
      ["GET", `/v1/users/${u.id}`],
      ["PATCH", `/v1/users/${u.id}`, { name: "x" }],
      ["DELETE", `/v1/users/${u.id}`],
      ["GET", `/v1/groups/${g.id}`],
      ["PATCH", `/v1/groups/${g.id}`, { name: "x" }],
      ["DELETE", `/v1/groups/${g.id}`],
      ["POST", `/v1/groups/${g.id}/members`, { user_id: u.id }],
      ["DELETE", `/v1/groups/${g.id}/members/${u.id}`],
      ["POST", "/v1/users", { customer_id: c.id, email: "x@intruder.example" }],
      ["POST", "/v1/groups", { customer_id: c.id, name: "x" }],
    ] as const) {
      const res = await call(path, { token: other.apiKey, method, body });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    expect((await send(other, "GET", `/v1/users?customer_id=${c.id}`, undefined, 200)).data).toEqual([]);
  });
});
