// GET /v1/customers: the tenant's customers, newest first; `q` finds a name, email, company, id or
// external id, `ids` fetches named ones (the console resolves a page of licenses' owners at once).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { Customer, customerBody } from "../wire/customers";
import { PageQuery } from "./requests/common";
import { IdList } from "./requests/customer-fields";

const Query = PageQuery.extend({
  q: z.string().trim().min(1).max(200).optional().openapi({
    description: "Text in the name, email or company (case-insensitive), or an exact customer id or external id (`cus_123` from Stripe)",
  }),
  ids: IdList.optional().openapi({ description: "Comma-separated customer ids (at most 100)" }),
});

export default operation({
  method: "get",
  path: "/v1/customers",
  operationId: "listCustomers",
  audience: "admin",
  permission: "customers:read",
  tags: ["Customers"],
  summary: "List and search customers",
  request: { query: Query },
  responses: { 200: { description: "A page of customers", schema: pageOf(Customer).openapi("CustomerPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.customers.list({ limit: query.limit, startingAfter: query.starting_after }, { q: query.q, ids: query.ids });
    return reply(200, { ...page, data: page.data.map(customerBody) });
  },
});
