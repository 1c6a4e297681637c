// Users (the people under a customer) and groups of them. A change that takes a license away from
// someone (a user deleted, a member removed, a group deleted) ends that person's floating seats on
// it in the same transaction: no lease outlives the assignment it stood for.
import type { UserRole } from "../contract/customers";
import { newId } from "../crypto/random";
import type { Tx } from "../db/client";
import { holderCountWith, licensesOfGroup, licensesOfUser, lockAssignable, releaseLeasesOfNonHolders } from "../db/repositories/assignments";
import { getCustomer } from "../db/repositories/customers";
import type { PageRequest } from "../db/repositories/pagination";
import {
  addMember,
  deleteGroup,
  deleteUser,
  type GroupRow,
  getGroup,
  getUser,
  insertGroup,
  insertUser,
  listGroups,
  listUsers,
  memberIds,
  removeMember,
  renameGroup,
  type UserFields,
  type UserRow,
  updateUser,
} from "../db/repositories/users";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner, RecordChange } from "./changes";
import type { ServiceDeps } from "./context";
import { changedFields, conflictAs } from "./customers";

const EMAIL_TAKEN = "This customer already has a user with this email.";

/** Ends the seats of people who no longer hold these licenses, announcing each. */
export async function endOrphanedSeats(tx: Tx, record: RecordChange, tenantId: string, licenseIds: string[]): Promise<void> {
  for (const lease of await releaseLeasesOfNonHolders(tx, licenseIds, new Date())) {
    await record({
      tenantId,
      action: "lease.release",
      targetType: "lease",
      targetId: lease.id,
      details: { license_id: lease.licenseId, reason: "unassigned" },
      event: { type: "lease.released", lease },
    });
  }
}

export function userService(deps: ServiceDeps, changes: ChangeRunner) {
  const tenantId = () => requireActor(deps).tenantId;

  async function liveCustomer(tx: Tx, customerId: string) {
    const customer = await getCustomer(tx, tenantId(), customerId);
    if (!customer) throw notFound("Customer");
    if (customer.erasedAt) throw new AppError("CONFLICT", "This customer's personal data was erased; it takes no new users.");
    return customer;
  }

  async function group(tx: Tx, id: string): Promise<GroupRow> {
    const row = await getGroup(tx, tenantId(), id);
    if (!row) throw notFound("Group");
    return row;
  }

  const announceGroup = async (tx: Tx, record: RecordChange, row: GroupRow, action: string, details?: Record<string, unknown>) =>
    record({
      action: `group.${action}`,
      targetType: "group",
      targetId: row.id,
      details,
      event: {
        type: action === "create" ? "group.created" : action === "delete" ? "group.deleted" : "group.updated",
        group: row,
        memberIds: (await memberIds(tx, [row.id])).get(row.id)!,
      },
    });

  return {
    async getUser(id: string): Promise<UserRow> {
      const row = await getUser(deps.db(), tenantId(), id);
      if (!row) throw notFound("User");
      return row;
    },

    listUsers: (page: PageRequest, filter: { customerId?: string; groupId?: string; q?: string }) => listUsers(deps.db(), tenantId(), page, filter),

    createUser: (input: { customerId: string; email: string; name?: string | null; role?: UserRole; metadata?: Record<string, unknown> }) =>
      conflictAs(
        changes(async (tx, record) => {
          await liveCustomer(tx, input.customerId);
          const row = await insertUser(tx, { id: newId("user"), tenantId: tenantId(), ...input });
          await record({
            action: "user.create",
            targetType: "user",
            targetId: row.id,
            details: { customer_id: row.customerId, fields: changedFields(input) },
            event: { type: "user.created", user: row },
          });
          return row;
        }),
        EMAIL_TAKEN,
      ),

    updateUser: (id: string, fields: UserFields) =>
      conflictAs(
        changes(async (tx, record) => {
          const row = await updateUser(tx, tenantId(), id, fields);
          if (!row) throw notFound("User");
          await record({
            action: "user.update",
            targetType: "user",
            targetId: id,
            details: { fields: changedFields(fields) },
            event: { type: "user.updated", user: row },
          });
          return row;
        }),
        EMAIL_TAKEN,
      ),

    /** Deletes a user: its assignments and memberships go, and so do its floating seats. */
    deleteUser: (id: string) =>
      changes(async (tx, record) => {
        const held = await licensesOfUser(tx, id);
        await lockAssignable(tx, tenantId(), held);
        const row = await deleteUser(tx, tenantId(), id);
        if (!row) throw notFound("User");
        await record({
          action: "user.delete",
          targetType: "user",
          targetId: id,
          details: { customer_id: row.customerId },
          event: { type: "user.deleted", user: row },
        });
        await endOrphanedSeats(tx, record, tenantId(), held);
      }),

    async getGroup(id: string): Promise<{ group: GroupRow; memberIds: string[] }> {
      const db = deps.db();
      const row = await getGroup(db, tenantId(), id);
      if (!row) throw notFound("Group");
      return { group: row, memberIds: (await memberIds(db, [id])).get(id)! };
    },

    async listGroups(page: PageRequest, filter: { customerId?: string }) {
      const db = deps.db();
      const found = await listGroups(db, tenantId(), page, filter);
      const members = await memberIds(
        db,
        found.data.map((g) => g.id),
      );
      return { ...found, data: found.data.map((g) => ({ group: g, memberIds: members.get(g.id)! })) };
    },

    createGroup: (input: { customerId: string; name: string }) =>
      conflictAs(
        changes(async (tx, record) => {
          await liveCustomer(tx, input.customerId);
          const row = await insertGroup(tx, { id: newId("grp"), tenantId: tenantId(), ...input });
          await announceGroup(tx, record, row, "create", { customer_id: row.customerId });
          return { group: row, memberIds: [] as string[] };
        }),
        "This customer already has a group with this name.",
      ),

    renameGroup: (id: string, name: string) =>
      conflictAs(
        changes(async (tx, record) => {
          const row = await renameGroup(tx, tenantId(), id, name);
          if (!row) throw notFound("Group");
          await announceGroup(tx, record, row, "update", { fields: ["name"] });
          return { group: row, memberIds: (await memberIds(tx, [id])).get(id)! };
        }),
        "This customer already has a group with this name.",
      ),

    /** Deletes a group: its licenses are no longer held through it, and seats taken that way end. */
    deleteGroup: (id: string) =>
      changes(async (tx, record) => {
        const row = await group(tx, id);
        const held = await licensesOfGroup(tx, id);
        await lockAssignable(tx, tenantId(), held);
        await announceGroup(tx, record, row, "delete");
        await deleteGroup(tx, tenantId(), id);
        await endOrphanedSeats(tx, record, tenantId(), held);
      }),

    /**
     * Adds a user of the same customer to a group. Each license assigned to the group is locked and
     * checked: a new holder beyond its policy's `max_users` is 409 TOO_MANY_USERS, and nothing changes.
     */
    addMember: (groupId: string, userId: string) =>
      changes(async (tx, record) => {
        const row = await group(tx, groupId);
        const user = await getUser(tx, tenantId(), userId);
        if (!user) throw notFound("User");
        if (user.customerId !== row.customerId) throw new AppError("CUSTOMER_MISMATCH", "The user belongs to another customer than the group.");
        for (const license of await lockAssignable(tx, tenantId(), await licensesOfGroup(tx, groupId))) {
          if (license.maxUsers === null) continue;
          const holders = await holderCountWith(tx, license.id, { userIds: [userId] });
          if (holders > license.maxUsers) throw tooManyUsers(license.id, license.maxUsers);
        }
        if (await addMember(tx, tenantId(), groupId, userId)) await announceGroup(tx, record, row, "update", { added_user_id: userId });
        return { group: row, memberIds: (await memberIds(tx, [groupId])).get(groupId)! };
      }),

    removeMember: (groupId: string, userId: string) =>
      changes(async (tx, record) => {
        const row = await group(tx, groupId);
        const held = await licensesOfGroup(tx, groupId);
        await lockAssignable(tx, tenantId(), held);
        if (!(await removeMember(tx, groupId, userId))) throw notFound("Group member");
        await announceGroup(tx, record, row, "update", { removed_user_id: userId });
        await endOrphanedSeats(tx, record, tenantId(), held);
        return { group: row, memberIds: (await memberIds(tx, [groupId])).get(groupId)! };
      }),
  };
}

export const tooManyUsers = (licenseId: string, max: number) =>
  new AppError("TOO_MANY_USERS", `The license may be held by at most ${max} user${max === 1 ? "" : "s"} (its policy's max_users).`, {
    details: { license_id: licenseId, max_users: max },
  });
