// PATCH /v1/groups/{id}: rename a group (unique within its customer).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Group, groupBody } from "../wire/customers";
import { IdParam } from "./requests/common";
import { GroupFields } from "./requests/customer-fields";

const Body = z.strictObject({ name: GroupFields.name }).openapi("UpdateGroupRequest");

export default operation({
  method: "patch",
  path: "/v1/groups/{id}",
  operationId: "updateGroup",
  audience: "admin",
  permission: "groups:write",
  tags: ["Groups"],
  summary: "Rename a group",
  request: { params: IdParam("grp"), body: Body },
  responses: { 200: { description: "Updated", schema: Group } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ params, body }, { services }) => {
    const { group, memberIds } = await services.users.renameGroup(params.id, body.name);
    return reply(200, groupBody(group, memberIds));
  },
});
