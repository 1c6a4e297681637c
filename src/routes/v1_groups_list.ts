// GET /v1/groups: the tenant's groups, newest first, with their members' ids; by customer.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { Group, groupBody } from "../wire/customers";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({ customer_id: z.string().min(1).max(64).optional() });

export default operation({
  method: "get",
  path: "/v1/groups",
  operationId: "listGroups",
  audience: "admin",
  permission: "groups:read",
  tags: ["Groups"],
  summary: "List groups",
  request: { query: Query },
  responses: { 200: { description: "A page of groups", schema: pageOf(Group).openapi("GroupPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.users.listGroups({ limit: query.limit, startingAfter: query.starting_after }, { customerId: query.customer_id });
    return reply(200, { ...page, data: page.data.map((g) => groupBody(g.group, g.memberIds)) });
  },
});
