// GET /v1/users/{id}: one user of the caller's tenant (404 for anyone else's).
import { operation, reply } from "../middleware/operation";
import { User, userBody } from "../wire/customers";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/users/{id}",
  operationId: "getUser",
  audience: "admin",
  permission: "users:read",
  tags: ["Users"],
  summary: "Get a user",
  request: { params: IdParam("user") },
  responses: { 200: { description: "The user", schema: User } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, userBody(await services.users.getUser(params.id))),
});
