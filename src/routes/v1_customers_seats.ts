// GET /v1/customers/{id}/seats: the live floating seats (leases) across a customer's licenses.
import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { Lease, leaseBody } from "../wire/leases";
import { IdParam, PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/customers/{id}/seats",
  operationId: "listCustomerSeats",
  audience: "admin",
  permission: ["customers:read", "licenses:read"],
  tags: ["Customers"],
  summary: "A customer's live floating seats",
  request: { params: IdParam("cust"), query: PageQuery },
  responses: { 200: { description: "A page of live leases, newest first", schema: pageOf(Lease).openapi("CustomerSeatPage") } },
  errors: ["NOT_FOUND"],
  handler: async ({ params, query }, { services }) => {
    const page = await services.customers.seats(params.id, { limit: query.limit, startingAfter: query.starting_after });
    return reply(200, { ...page, data: page.data.map(leaseBody) });
  },
});
