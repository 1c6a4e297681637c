// GET /v1/groups/{id}: one group and its members' ids.
import { operation, reply } from "../middleware/operation";
import { Group, groupBody } from "../wire/customers";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/groups/{id}",
  operationId: "getGroup",
  audience: "admin",
  permission: "groups:read",
  tags: ["Groups"],
  summary: "Get a group",
  request: { params: IdParam("grp") },
  responses: { 200: { description: "The group", schema: Group } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => {
    const { group, memberIds } = await services.users.getGroup(params.id);
    return reply(200, groupBody(group, memberIds));
  },
});
