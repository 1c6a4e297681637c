// POST /v1/users: a person under a customer (an HR or provisioning system adds them). Users are
// addressed at the top level with a `customer_id`, not nested under customers: a user id is enough
// to read or change one, and lists filter by customer or group.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { User, userBody } from "../wire/customers";
import { UserFields } from "./requests/customer-fields";

const Body = z
  .strictObject({
    customer_id: UserFields.customer_id,
    email: UserFields.email,
    name: UserFields.name.optional(),
    role: UserFields.role.optional(),
    metadata: UserFields.metadata.optional(),
  })
  .openapi("CreateUserRequest");

export default operation({
  method: "post",
  path: "/v1/users",
  operationId: "createUser",
  audience: "admin",
  permission: "users:write",
  tags: ["Users"],
  summary: "Create a user",
  description: "409 CONFLICT when the customer already has a user with this email (case-insensitive).",
  request: { body: Body },
  responses: { 201: { description: "Created", schema: User } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ body }, { services }) => {
    const row = await services.users.createUser({
      customerId: body.customer_id,
      email: body.email,
      name: body.name,
      role: body.role,
      metadata: body.metadata,
    });
    return reply(201, userBody(row));
  },
});
