// DELETE /v1/groups/{id}/members/{user_id}: take a user out of a group; floating seats it held
// through the group's licenses (and holds no other way) end at once.
import { operation, reply } from "../middleware/operation";
import { Group, groupBody } from "../wire/customers";
import { IdParam } from "./requests/common";

const Params = IdParam("grp").extend({ user_id: IdParam("user").shape.id.openapi({ param: { name: "user_id", in: "path" } }) });

export default operation({
  method: "delete",
  path: "/v1/groups/{id}/members/{user_id}",
  operationId: "removeGroupMember",
  audience: "admin",
  permission: "groups:write",
  tags: ["Groups"],
  summary: "Remove a user from a group",
  request: { params: Params },
  responses: { 200: { description: "The group with its members", schema: Group } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => {
    const { group, memberIds } = await services.users.removeMember(params.id, params.user_id);
    return reply(200, groupBody(group, memberIds));
  },
});
