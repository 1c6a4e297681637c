// DELETE /v1/portal/users/{user_id}: a customer admin removes a person; their seats end with them.
import { operation, reply } from "../middleware/operation";
import { UserIdParam } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/portal/users/{user_id}",
  operationId: "deletePortalUser",
  audience: "portal",
  permission: "users:write",
  tags: ["Customer portal"],
  summary: "Remove a user from the customer",
  description:
    "For the customer's admins; 403 for a member; 409 for yourself. The user's license assignments, group memberships and floating seats end with them; any portal session made for them ends too. `user.deleted`.",
  request: { params: UserIdParam },
  responses: { 204: { description: "Removed" } },
  errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT"],
  handler: async ({ params }, { services }) => {
    await services.portalUsers.remove(params.user_id);
    return reply(204, null);
  },
});
