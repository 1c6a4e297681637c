// DELETE /v1/users/{id}: remove a user; its license assignments and group memberships go with it,
// and the floating seats it held end at once.
import { operation, reply } from "../middleware/operation";
import { IdParam } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/users/{id}",
  operationId: "deleteUser",
  audience: "admin",
  permission: "users:write",
  tags: ["Users"],
  summary: "Delete a user",
  request: { params: IdParam("user") },
  responses: { 204: { description: "Deleted" } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => {
    await services.users.deleteUser(params.id);
    return reply(204, null);
  },
});
