// GET /v1/users: the tenant's users, newest first, by customer or group, or found by email or name.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { User, userBody } from "../wire/customers";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({
  customer_id: z.string().min(1).max(64).optional(),
  group_id: z.string().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Text in the email or name (case-insensitive), or a user id" }),
});

export default operation({
  method: "get",
  path: "/v1/users",
  operationId: "listUsers",
  audience: "admin",
  permission: "users:read",
  tags: ["Users"],
  summary: "List users",
  request: { query: Query },
  responses: { 200: { description: "A page of users", schema: pageOf(User).openapi("UserPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.users.listUsers(
      { limit: query.limit, startingAfter: query.starting_after },
      { customerId: query.customer_id, groupId: query.group_id, q: query.q },
    );
    return reply(200, { ...page, data: page.data.map(userBody) });
  },
});
