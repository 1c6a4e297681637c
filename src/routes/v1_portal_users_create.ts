// POST /v1/portal/users: a customer admin adds a person to the customer (to give them a seat).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { PortalUser, portalUserBody } from "../wire/portal-users";
import { UserFields } from "./requests/customer-fields";

const Body = z
  .strictObject({ email: UserFields.email, name: UserFields.name.optional(), role: UserFields.role.default("member") })
  .openapi("CreatePortalUserRequest");

export default operation({
  method: "post",
  path: "/v1/portal/users",
  operationId: "createPortalUser",
  audience: "portal",
  permission: "users:write",
  tags: ["Customer portal"],
  summary: "Add a user to the customer",
  description:
    "For the customer's admins; 403 for a member. 409 CONFLICT when the customer already has a user with this email. Audited with the customer as actor; `user.created`.",
  request: { body: Body },
  responses: { 201: { description: "The new user", schema: PortalUser } },
  errors: ["FORBIDDEN", "CONFLICT"],
  handler: async ({ body }, { services }) => reply(201, portalUserBody(await services.portalUsers.create(body))),
});
