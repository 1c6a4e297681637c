// POST /v1/groups/{id}/members: add one of the group's customer's users. Every license assigned to
// the group is checked under its lock: a new holder past a policy's max_users is 409 TOO_MANY_USERS.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Group, groupBody } from "../wire/customers";
import { IdParam } from "./requests/common";

const Body = z.strictObject({ user_id: z.string().min(1).max(64) }).openapi("AddGroupMemberRequest");

export default operation({
  method: "post",
  path: "/v1/groups/{id}/members",
  operationId: "addGroupMember",
  audience: "admin",
  permission: "groups:write",
  tags: ["Groups"],
  summary: "Add a user to a group",
  description:
    "Idempotent. 409 CUSTOMER_MISMATCH for another customer's user; 409 TOO_MANY_USERS when a license assigned to the group would exceed its policy's max_users.",
  request: { params: IdParam("grp"), body: Body },
  responses: { 200: { description: "The group with its members", schema: Group } },
  errors: ["NOT_FOUND", "CUSTOMER_MISMATCH", "TOO_MANY_USERS"],
  handler: async ({ params, body }, { services }) => {
    const { group, memberIds } = await services.users.addMember(params.id, body.user_id);
    return reply(200, groupBody(group, memberIds));
  },
});
