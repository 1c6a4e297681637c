// POST /v1/customers: a buying account (a company or a person) licenses can belong to.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Customer, customerBody } from "../wire/customers";
import { CustomerFields } from "./requests/customer-fields";

const Body = z
  .strictObject({
    name: CustomerFields.name,
    email: CustomerFields.email,
    company: CustomerFields.company.optional(),
    country: CustomerFields.country.optional(),
    metadata: CustomerFields.metadata.optional(),
    external_ids: CustomerFields.external_ids.optional(),
  })
  .openapi("CreateCustomerRequest");

export default operation({
  method: "post",
  path: "/v1/customers",
  operationId: "createCustomer",
  audience: "admin",
  permission: "customers:write",
  tags: ["Customers"],
  summary: "Create a customer",
  request: { body: Body },
  responses: { 201: { description: "Created", schema: Customer } },
  errors: ["CONFLICT"],
  handler: async ({ body }, { services }) => {
    const row = await services.customers.create({
      name: body.name,
      email: body.email,
      company: body.company,
      country: body.country,
      metadata: body.metadata,
      externalIds: body.external_ids,
    });
    return reply(201, customerBody(row));
  },
});
