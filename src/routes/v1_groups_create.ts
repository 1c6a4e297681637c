// POST /v1/groups: a named group of a customer's users (a department, a team).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Group, groupBody } from "../wire/customers";
import { GroupFields } from "./requests/customer-fields";

const Body = z.strictObject({ customer_id: GroupFields.customer_id, name: GroupFields.name }).openapi("CreateGroupRequest");

export default operation({
  method: "post",
  path: "/v1/groups",
  operationId: "createGroup",
  audience: "admin",
  permission: "groups:write",
  tags: ["Groups"],
  summary: "Create a group",
  request: { body: Body },
  responses: { 201: { description: "Created", schema: Group } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ body }, { services }) => {
    const { group, memberIds } = await services.users.createGroup({ customerId: body.customer_id, name: body.name });
    return reply(201, groupBody(group, memberIds));
  },
});
