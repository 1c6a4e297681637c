// DELETE /v1/groups/{id}: remove a group. Licenses assigned to it are no longer held through it,
// and floating seats its members held that way end at once.
import { operation, reply } from "../middleware/operation";
import { IdParam } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/groups/{id}",
  operationId: "deleteGroup",
  audience: "admin",
  permission: "groups:write",
  tags: ["Groups"],
  summary: "Delete a group",
  request: { params: IdParam("grp") },
  responses: { 204: { description: "Deleted" } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => {
    await services.users.deleteGroup(params.id);
    return reply(204, null);
  },
});
