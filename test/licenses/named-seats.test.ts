// Named seats (issue #26): a customer's license assigned to its users, directly or through groups,
// within the policy's max_users, exact under a 40-way race and over any shuffled, duplicated
// sequence of assignments; `per_user` floating seats go only to users who hold the license, and
// a seat ends when its holder loses the license.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createCustomer, createGroup, createUser, sellTo, send } from "../customers/helpers";
import { call, createTenant, json, type TestTenant } from "../harness";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("Named seats seller");
});

const assign = (licenseId: string, userId: string) => call(`/v1/licenses/${licenseId}/users`, { token: tenant.apiKey, body: { user_id: userId } });
const holders = async (licenseId: string) => (await json(await call(`/v1/licenses/${licenseId}/assignments`, { token: tenant.apiKey }))).holders as number;

describe("POST /v1/licenses/{id}/users (assignLicenseUser), DELETE /v1/licenses/{id}/users/{user_id} (unassignLicenseUser), GET /v1/licenses/{id}/assignments (getLicenseAssignments)", () => {
  it("assigns a customer's users up to max_users; the next is 409 TOO_MANY_USERS and nothing changes", async () => {
    const customer = await createCustomer(tenant);
    const { licenseId } = await sellTo(tenant, customer.id, { max_users: 2 });
    const users = [];
    for (const n of [1, 2, 3]) users.push(await createUser(tenant, customer.id, `u${n}@seats.example`));
    await send(tenant, "POST", `/v1/licenses/${licenseId}/users`, { user_id: users[0].id }, 200);
    const second = await send(tenant, "POST", `/v1/licenses/${licenseId}/users`, { user_id: users[1].id }, 200);
    expect({ holders: second.holders, max: second.max_users, users: second.users.map((u: any) => u.id) }).toEqual({
      holders: 2,
      max: 2,
      users: [users[0].id, users[1].id],
    });
    // Assigning a holder again changes nothing and is no error.
    expect((await send(tenant, "POST", `/v1/licenses/${licenseId}/users`, { user_id: users[0].id }, 200)).holders).toBe(2);
    const refused = await send(tenant, "POST", `/v1/licenses/${licenseId}/users`, { user_id: users[2].id }, 409);
    expect(refused.error).toMatchObject({ code: "TOO_MANY_USERS", details: { license_id: licenseId, max_users: 2 } });
    expect(await holders(licenseId)).toBe(2);
  });

  it("refuses another customer's user, and a license without a customer (409 CUSTOMER_MISMATCH)", async () => {
    const [a, b] = [await createCustomer(tenant), await createCustomer(tenant, { name: "Beta", email: "b@seats.example" })];
    const { licenseId } = await sellTo(tenant, a.id);
    const stranger = await createUser(tenant, b.id, "stranger@seats.example");
    expect((await send(tenant, "POST", `/v1/licenses/${licenseId}/users`, { user_id: stranger.id }, 409)).error.code).toBe("CUSTOMER_MISMATCH");
    const unowned = await sellTo(tenant, null);
    expect((await send(tenant, "POST", `/v1/licenses/${unowned.licenseId}/users`, { user_id: stranger.id }, 409)).error.code).toBe("CUSTOMER_MISMATCH");
  });

  it("gives exactly max_users of 40 concurrent assignments a seat", async () => {
    const customer = await createCustomer(tenant);
    const { licenseId } = await sellTo(tenant, customer.id, { max_users: 5 });
    const users = await Promise.all(Array.from({ length: 40 }, (_, i) => createUser(tenant, customer.id, `race${i}@seats.example`)));
    const answers = await Promise.all(users.map((u) => assign(licenseId, u.id)));
    const statuses = answers.map((r) => r.status);
    expect({ ok: statuses.filter((s) => s === 200).length, full: statuses.filter((s) => s === 409).length }).toEqual({ ok: 5, full: 35 });
    expect(await holders(licenseId)).toBe(5);
  });

  it("counts a group's members and direct users once each, whatever the order of shuffled, duplicated changes", async () => {
    const customer = await createCustomer(tenant);
    const users = await Promise.all(Array.from({ length: 4 }, (_, i) => createUser(tenant, customer.id, `model${i}@seats.example`)));
    let run = 0;
    const ops = fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant("assign" as const), user: fc.nat(3) }),
        fc.record({ kind: fc.constant("unassign" as const), user: fc.nat(3) }),
        fc.record({ kind: fc.constant("join" as const), user: fc.nat(3) }),
        fc.record({ kind: fc.constant("leave" as const), user: fc.nat(3) }),
      ),
      { minLength: 1, maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(ops, async (sequence) => {
        const { licenseId } = await sellTo(tenant, customer.id, { max_users: 3 });
        // A group of its own per run: a group shared with another run's license would be limited by it too.
        const group = await createGroup(tenant, customer.id, `Modelled team ${run++}`);
        await send(tenant, "POST", `/v1/licenses/${licenseId}/groups`, { group_id: group.id }, 200);
        const direct = new Set<number>();
        const members = new Set<number>();
        for (const op of sequence) {
          const user = users[op.user]!.id;
          const held = new Set([...direct, ...members]);
          const res =
            op.kind === "assign"
              ? await assign(licenseId, user)
              : op.kind === "unassign"
                ? await call(`/v1/licenses/${licenseId}/users/${user}`, { token: tenant.apiKey, method: "DELETE" })
                : op.kind === "join"
                  ? await call(`/v1/groups/${group.id}/members`, { token: tenant.apiKey, body: { user_id: user } })
                  : await call(`/v1/groups/${group.id}/members/${user}`, { token: tenant.apiKey, method: "DELETE" });
          const adds = op.kind === "assign" || op.kind === "join";
          const target = op.kind === "assign" || op.kind === "unassign" ? direct : members;
          const present = target.has(op.user);
          const expected = adds ? (held.has(op.user) || held.size < 3 ? 200 : 409) : present ? 200 : 404;
          expect([op, res.status]).toEqual([op, expected]);
          if (res.status === 200) adds ? target.add(op.user) : target.delete(op.user);
          expect(await holders(licenseId)).toBe(new Set([...direct, ...members]).size);
        }
      }),
      { numRuns: 8 },
    );
  });
});

describe("POST /v1/licenses/{id}/groups (assignLicenseGroup) and DELETE /v1/licenses/{id}/groups/{group_id} (unassignLicenseGroup)", () => {
  it("makes a group's members hold the license, within max_users; unassigning ends their seats; another customer's group is 409", async () => {
    const customer = await createCustomer(tenant);
    const sold = await sellTo(tenant, customer.id, { lease_mode: "per_user", max_leases: 5, max_users: 2 });
    const group = await createGroup(tenant, customer.id, "Render farm");
    const members = [];
    for (const n of [1, 2, 3]) members.push(await createUser(tenant, customer.id, `farm${n}@seats.example`));
    for (const m of members.slice(0, 2)) await send(tenant, "POST", `/v1/groups/${group.id}/members`, { user_id: m.id }, 200);
    const assigned = await send(tenant, "POST", `/v1/licenses/${sold.licenseId}/groups`, { group_id: group.id }, 200);
    expect({ holders: assigned.holders, groups: assigned.groups.map((g: any) => [g.id, g.member_ids]) }).toEqual({
      holders: 2,
      groups: [[group.id, [members[0].id, members[1].id]]],
    });
    // A third member would be a third holder: refused, and the group is unchanged.
    expect((await send(tenant, "POST", `/v1/groups/${group.id}/members`, { user_id: members[2].id }, 409)).error.code).toBe("TOO_MANY_USERS");
    const lease = await json(await call("/v1/licenses/leases", { body: { license_key: sold.licenseKey, instance_id: "farm-1", user: members[0].id } }));
    expect(lease.lease.user).toBe(members[0].id);

    const after = await send(tenant, "DELETE", `/v1/licenses/${sold.licenseId}/groups/${group.id}`, undefined, 200);
    expect({ holders: after.holders, groups: after.groups }).toEqual({ holders: 0, groups: [] });
    const beat = await call(`/v1/licenses/leases/${lease.lease.id}/heartbeat`, { body: { license_key: sold.licenseKey } });
    expect([beat.status, (await json(beat)).error.code]).toEqual([409, "LEASE_EXPIRED"]);
    await send(tenant, "DELETE", `/v1/licenses/${sold.licenseId}/groups/${group.id}`, undefined, 404);

    const stranger = await createCustomer(tenant, { name: "Stranger" });
    const theirs = await createGroup(tenant, stranger.id, "Theirs");
    expect((await send(tenant, "POST", `/v1/licenses/${sold.licenseId}/groups`, { group_id: theirs.id }, 409)).error.code).toBe("CUSTOMER_MISMATCH");
  });
});

describe("POST /v1/licenses/leases (acquireLease) under per_user for a customer's license", () => {
  it("gives a seat to a user holding the license (by email or id); refuses unknown (404) and unassigned (403) users", async () => {
    const customer = await createCustomer(tenant);
    const sold = await sellTo(tenant, customer.id, { lease_mode: "per_user", max_leases: 2, max_users: 5 });
    const holder = await createUser(tenant, customer.id, "Holder@Seats.example");
    const outsider = await createUser(tenant, customer.id, "outsider@seats.example");
    await send(tenant, "POST", `/v1/licenses/${sold.licenseId}/users`, { user_id: holder.id }, 200);
    const lease = (user: string, instance: string) => call("/v1/licenses/leases", { body: { license_key: sold.licenseKey, instance_id: instance, user } });

    const byEmail = await lease("holder@seats.example", "laptop");
    expect(byEmail.status).toBe(201);
    expect((await json(byEmail)).lease.user).toBe(holder.id);
    const byId = await lease(holder.id, "desktop");
    expect(byId.status).toBe(201);

    expect((await json(await lease("nobody@seats.example", "x"))).error.code).toBe("USER_NOT_FOUND");
    const refused = await lease(outsider.id, "y");
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe("USER_NOT_ASSIGNED");
  });

  it("ends a user's seat when the license is taken away (unassigned, or left the group): its heartbeat is LEASE_EXPIRED", async () => {
    const customer = await createCustomer(tenant);
    const sold = await sellTo(tenant, customer.id, { lease_mode: "per_user", max_leases: 5 });
    const [direct, member] = [await createUser(tenant, customer.id, "d@seats.example"), await createUser(tenant, customer.id, "m@seats.example")];
    const group = await createGroup(tenant, customer.id, "Seat holders");
    await send(tenant, "POST", `/v1/groups/${group.id}/members`, { user_id: member.id }, 200);
    await send(tenant, "POST", `/v1/licenses/${sold.licenseId}/users`, { user_id: direct.id }, 200);
    await send(tenant, "POST", `/v1/licenses/${sold.licenseId}/groups`, { group_id: group.id }, 200);
    const take = async (user: string) =>
      (await json(await call("/v1/licenses/leases", { body: { license_key: sold.licenseKey, instance_id: user, user } }))).lease.id as string;
    const [directLease, memberLease] = [await take(direct.id), await take(member.id)];

    await send(tenant, "DELETE", `/v1/licenses/${sold.licenseId}/users/${direct.id}`, undefined, 200);
    await send(tenant, "DELETE", `/v1/groups/${group.id}/members/${member.id}`, undefined, 200);
    for (const id of [directLease, memberLease]) {
      const res = await call(`/v1/licenses/leases/${id}/heartbeat`, { body: { license_key: sold.licenseKey } });
      expect([id, res.status, (await json(res)).error.code]).toEqual([id, 409, "LEASE_EXPIRED"]);
    }
    const audit = await json(await call(`/v1/audit-log?action=lease.release`, { token: tenant.apiKey }));
    expect(audit.data.filter((a: any) => [directLease, memberLease].includes(a.target_id)).map((a: any) => a.details.reason)).toEqual([
      "unassigned",
      "unassigned",
    ]);
  });
});
