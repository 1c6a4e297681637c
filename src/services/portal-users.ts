// The customer portal's people: a customer admin (the account holder, or a user whose role is
// `admin`) adds and removes the customer's users and gives them seats on its licenses (named seats,
// within the policy's `max_users`). Everything goes through the admin API's own user and assignment
// services, so the same limits, locks, audit rows (the customer as actor) and webhook events follow;
// a user or license of another customer is simply not found.
import type { UserRole } from "../contract/customers";
import { getUser, type UserRow } from "../db/repositories/users";
import { AppError, notFound } from "../errors";
import type { assignmentService } from "./assignments";
import type { ServiceDeps } from "./context";
import { ownLicense, portalActor } from "./portal";
import type { userService } from "./users";

export interface PortalUserDeps {
  users: ReturnType<typeof userService>;
  assignments: ReturnType<typeof assignmentService>;
}

/** A customer's users are capped in the portal (the admin API pages past it). */
export const PORTAL_MAX_USERS_LISTED = 200;

export function portalUserService(deps: ServiceDeps, services: PortalUserDeps) {
  /** The session's actor, when it may manage people; a member's session is 403. */
  function admin() {
    const actor = portalActor(deps);
    if (!actor.portal.admin) throw new AppError("FORBIDDEN", "Only your organisation's admins can manage users and seats.");
    return actor;
  }

  /** One of the customer's users, or 404. */
  async function ownUser(userId: string): Promise<UserRow> {
    const actor = admin();
    const user = await getUser(deps.db(), actor.tenantId, userId);
    if (!user || user.customerId !== actor.portal.customerId) throw notFound("User");
    return user;
  }

  return {
    async list(): Promise<{ users: UserRow[]; more: boolean }> {
      const actor = admin();
      const page = await services.users.listUsers({ limit: PORTAL_MAX_USERS_LISTED }, { customerId: actor.portal.customerId });
      return { users: page.data, more: page.has_more };
    },

    create(input: { email: string; name?: string | null; role: UserRole }): Promise<UserRow> {
      const actor = admin();
      return services.users.createUser({ customerId: actor.portal.customerId, ...input });
    },

    /** Removes a user: their seats go with them. An admin cannot remove themselves (nobody would be left to undo it). */
    async remove(userId: string): Promise<void> {
      const actor = admin();
      await ownUser(userId);
      if (userId === actor.portal.userId) throw new AppError("CONFLICT", "You cannot remove yourself; ask another admin.");
      await services.users.deleteUser(userId);
    },

    /** Who holds one of the customer's licenses (users directly, and groups). */
    async holders(licenseId: string) {
      admin();
      await ownLicense(deps, licenseId);
      return services.assignments.list(licenseId);
    },

    async assign(licenseId: string, userId: string) {
      admin();
      await ownLicense(deps, licenseId);
      await ownUser(userId);
      return services.assignments.assignUser(licenseId, userId);
    },

    async unassign(licenseId: string, userId: string) {
      admin();
      await ownLicense(deps, licenseId);
      await ownUser(userId);
      return services.assignments.unassignUser(licenseId, userId);
    },
  };
}
