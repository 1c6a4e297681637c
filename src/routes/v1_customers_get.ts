// GET /v1/customers/{id}: a customer and how much hangs on it (its licenses, users, groups, live
// devices and floating seats are listed by their own routes, filtered by the customer).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Customer, customerBody } from "../wire/customers";
import { IdParam } from "./requests/common";

const CustomerDetail = Customer.extend({
  counts: z.object({
    licenses: z.number().int(),
    users: z.number().int(),
    groups: z.number().int(),
    devices: z.number().int().openapi({ description: "Live activations across its licenses" }),
    seats: z.number().int().openapi({ description: "Live floating seats (leases) across its licenses" }),
  }),
}).openapi("CustomerDetail");

export default operation({
  method: "get",
  path: "/v1/customers/{id}",
  operationId: "getCustomer",
  audience: "admin",
  permission: "customers:read",
  tags: ["Customers"],
  summary: "Get a customer",
  request: { params: IdParam("cust") },
  responses: { 200: { description: "The customer, with counts", schema: CustomerDetail } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => {
    const { customer, counts } = await services.customers.detail(params.id);
    return reply(200, { ...customerBody(customer), counts });
  },
});
