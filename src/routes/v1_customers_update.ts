// PATCH /v1/customers/{id}: change a customer's profile or external ids (`null` removes one).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Customer, customerBody } from "../wire/customers";
import { IdParam } from "./requests/common";
import { CustomerFields } from "./requests/customer-fields";

const Body = z
  .strictObject({
    name: CustomerFields.name.optional(),
    email: CustomerFields.email.optional(),
    company: CustomerFields.company.optional(),
    country: CustomerFields.country.optional(),
    metadata: CustomerFields.metadata.optional(),
    external_ids: CustomerFields.external_ids.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateCustomerRequest", { minProperties: 1 });

export default operation({
  method: "patch",
  path: "/v1/customers/{id}",
  operationId: "updateCustomer",
  audience: "admin",
  permission: "customers:write",
  tags: ["Customers"],
  summary: "Update a customer",
  description: "409 CONFLICT for an external id another customer has, or a customer whose personal data was erased.",
  request: { params: IdParam("cust"), body: Body },
  responses: { 200: { description: "Updated", schema: Customer } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ params, body }, { services }) => {
    const row = await services.customers.update(params.id, {
      name: body.name,
      email: body.email,
      company: body.company,
      country: body.country,
      metadata: body.metadata,
      externalIds: body.external_ids,
    });
    return reply(200, customerBody(row));
  },
});
