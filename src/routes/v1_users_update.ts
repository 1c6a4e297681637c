// PATCH /v1/users/{id}: change a user's email, name, role or metadata (not its customer).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { User, userBody } from "../wire/customers";
import { IdParam } from "./requests/common";
import { UserFields } from "./requests/customer-fields";

const Body = z
  .strictObject({
    email: UserFields.email.optional(),
    name: UserFields.name.optional(),
    role: UserFields.role.optional(),
    metadata: UserFields.metadata.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateUserRequest", { minProperties: 1 });

export default operation({
  method: "patch",
  path: "/v1/users/{id}",
  operationId: "updateUser",
  audience: "admin",
  permission: "users:write",
  tags: ["Users"],
  summary: "Update a user",
  request: { params: IdParam("user"), body: Body },
  responses: { 200: { description: "Updated", schema: User } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ params, body }, { services }) => reply(200, userBody(await services.users.updateUser(params.id, body))),
});
