// DELETE /v1/customers/{id}: remove a customer that owns no licenses, with its users and groups.
// One that owns licenses answers 409: move them, or erase the customer's personal data instead.
import { operation, reply } from "../middleware/operation";
import { IdParam } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/customers/{id}",
  operationId: "deleteCustomer",
  audience: "admin",
  permission: ["customers:write", "users:write", "groups:write"],
  tags: ["Customers"],
  summary: "Delete a customer without licenses",
  request: { params: IdParam("cust") },
  responses: { 204: { description: "Deleted, with its users and groups" } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ params }, { services }) => {
    await services.customers.remove(params.id);
    return reply(204, null);
  },
});
