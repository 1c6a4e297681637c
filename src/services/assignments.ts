// Named seats: a customer's license assigned to its users, directly or through groups. Each change
// locks the license row first, so the number of holders checked against the policy's `max_users`
// is exact under any concurrency; taking a license away from someone ends their floating seats.

import type { Tx } from "../db/client";
import {
  type AssignableLicense,
  assignGroup,
  assignmentsOf,
  assignUser,
  findAssignable,
  holderCountWith,
  lockAssignable,
  unassignGroup,
  unassignUser,
} from "../db/repositories/assignments";
import { getLicense } from "../db/repositories/licenses";
import { getGroup, getUser, memberIds } from "../db/repositories/users";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner, RecordChange } from "./changes";
import type { ServiceDeps } from "./context";
import { endOrphanedSeats, tooManyUsers } from "./users";

export function assignmentService(deps: ServiceDeps, changes: ChangeRunner) {
  const tenantId = () => requireActor(deps).tenantId;

  async function lockLicense(tx: Tx, licenseId: string): Promise<AssignableLicense> {
    const [license] = await lockAssignable(tx, tenantId(), [licenseId]);
    if (!license) throw notFound("License");
    return license;
  }

  /** Only a license's own customer's users and groups can hold it. */
  function sameCustomer(license: AssignableLicense, customerId: string, what: "user" | "group") {
    if (license.customerId === null) throw new AppError("CUSTOMER_MISMATCH", "The license belongs to no customer: set its customer_id first.");
    if (license.customerId !== customerId) throw new AppError("CUSTOMER_MISMATCH", `The ${what} belongs to another customer than the license.`);
  }

  /** The license's `license.updated` event and the audit row of an assignment change. */
  async function announce(tx: Tx, record: RecordChange, licenseId: string, action: string, details: Record<string, unknown>) {
    const license = (await getLicense(tx, tenantId(), licenseId))!;
    await record({ action: `license.${action}`, targetType: "license", targetId: licenseId, details, event: { type: "license.updated", license } });
  }

  const list = async (licenseId: string) => {
    const db = deps.db();
    const license = await findAssignable(db, tenantId(), licenseId);
    if (!license) throw notFound("License");
    const assigned = await assignmentsOf(db, licenseId);
    const members = await memberIds(
      db,
      assigned.groups.map((g) => g.id),
    );
    return { ...assigned, groups: assigned.groups.map((g) => ({ group: g, memberIds: members.get(g.id)! })), maxUsers: license.maxUsers };
  };

  return {
    list,

    /** Assigns a user (idempotent); 409 TOO_MANY_USERS past the policy's max_users, CUSTOMER_MISMATCH for another customer's user. */
    assignUser: async (licenseId: string, userId: string) => {
      await changes(async (tx, record) => {
        const license = await lockLicense(tx, licenseId);
        const user = await getUser(tx, tenantId(), userId);
        if (!user) throw notFound("User");
        sameCustomer(license, user.customerId, "user");
        if (license.maxUsers !== null && (await holderCountWith(tx, licenseId, { userIds: [userId] })) > license.maxUsers)
          throw tooManyUsers(licenseId, license.maxUsers);
        if (await assignUser(tx, tenantId(), licenseId, userId)) await announce(tx, record, licenseId, "assign_user", { user_id: userId });
      });
      return list(licenseId);
    },

    unassignUser: async (licenseId: string, userId: string) => {
      await changes(async (tx, record) => {
        await lockLicense(tx, licenseId);
        if (!(await unassignUser(tx, licenseId, userId))) throw notFound("Assignment");
        await announce(tx, record, licenseId, "unassign_user", { user_id: userId });
        await endOrphanedSeats(tx, record, tenantId(), [licenseId]);
      });
      return list(licenseId);
    },

    /** Assigns a group: its members hold the license; the distinct holders must stay within max_users. */
    assignGroup: async (licenseId: string, groupId: string) => {
      await changes(async (tx, record) => {
        const license = await lockLicense(tx, licenseId);
        const group = await getGroup(tx, tenantId(), groupId);
        if (!group) throw notFound("Group");
        sameCustomer(license, group.customerId, "group");
        if (license.maxUsers !== null && (await holderCountWith(tx, licenseId, { groupId })) > license.maxUsers)
          throw tooManyUsers(licenseId, license.maxUsers);
        if (await assignGroup(tx, tenantId(), licenseId, groupId)) await announce(tx, record, licenseId, "assign_group", { group_id: groupId });
      });
      return list(licenseId);
    },

    unassignGroup: async (licenseId: string, groupId: string) => {
      await changes(async (tx, record) => {
        await lockLicense(tx, licenseId);
        if (!(await unassignGroup(tx, licenseId, groupId))) throw notFound("Assignment");
        await announce(tx, record, licenseId, "unassign_group", { group_id: groupId });
        await endOrphanedSeats(tx, record, tenantId(), [licenseId]);
      });
      return list(licenseId);
    },
  };
}
