// GET /v1/customers/{id}/devices: the live devices (activations) across a customer's licenses.
import { operation, reply } from "../middleware/operation";
import { Activation, activationBody } from "../wire/activations";
import { pageOf } from "../wire/common";
import { IdParam, PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/customers/{id}/devices",
  operationId: "listCustomerDevices",
  audience: "admin",
  permission: ["customers:read", "activations:read"],
  tags: ["Customers"],
  summary: "A customer's live devices",
  request: { params: IdParam("cust"), query: PageQuery },
  responses: { 200: { description: "A page of live activations, newest first", schema: pageOf(Activation).openapi("CustomerDevicePage") } },
  errors: ["NOT_FOUND"],
  handler: async ({ params, query }, { services }) => {
    const page = await services.customers.devices(params.id, { limit: query.limit, startingAfter: query.starting_after });
    return reply(200, { ...page, data: page.data.map((row) => activationBody(row)) });
  },
});
