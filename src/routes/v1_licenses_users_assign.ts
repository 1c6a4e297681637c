// POST /v1/licenses/{id}/users: assign the license to one of its customer's users (named seats).
// Under the license's lock: past the policy's max_users it is 409 TOO_MANY_USERS and nothing changes.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { assignmentsBody, LicenseAssignments } from "../wire/customers";
import { IdParam } from "./requests/common";

const Body = z.strictObject({ user_id: z.string().min(1).max(64) }).openapi("AssignUserRequest");

export default operation({
  method: "post",
  path: "/v1/licenses/{id}/users",
  operationId: "assignLicenseUser",
  audience: "admin",
  permission: ["licenses:write", "users:read", "groups:read"],
  tags: ["Licenses (admin)"],
  summary: "Assign a license to a user",
  description:
    "Idempotent. The license must belong to a customer, and the user to the same customer (409 CUSTOMER_MISMATCH). 409 TOO_MANY_USERS when the distinct users holding the license would exceed its policy's max_users.",
  request: { params: IdParam("lic"), body: Body },
  responses: { 200: { description: "The license's assignments", schema: LicenseAssignments } },
  errors: ["NOT_FOUND", "CUSTOMER_MISMATCH", "TOO_MANY_USERS"],
  handler: async ({ params, body }, { services }) => reply(200, assignmentsBody(await services.assignments.assignUser(params.id, body.user_id))),
});
