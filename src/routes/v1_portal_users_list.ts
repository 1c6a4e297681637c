// GET /v1/portal/users: a customer admin's list of the customer's users.
import { operation, reply } from "../middleware/operation";
import { PortalUsers, portalUserBody } from "../wire/portal-users";

export default operation({
  method: "get",
  path: "/v1/portal/users",
  operationId: "listPortalUsers",
  audience: "portal",
  permission: "users:read",
  tags: ["Customer portal"],
  summary: "The customer's users",
  description: "For the customer's admins (the account holder's session, or an `admin` user's); a member's session is 403. Oldest first, at most 200.",
  responses: { 200: { description: "The customer's users", schema: PortalUsers } },
  errors: ["FORBIDDEN"],
  handler: async (_, { services }) => {
    const { users, more } = await services.portalUsers.list();
    return reply(200, { data: users.map(portalUserBody), has_more: more });
  },
});
