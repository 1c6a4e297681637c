// DELETE /v1/licenses/{id}/users/{user_id}: take the license away from a user; floating seats
// held by people who no longer hold it end at once.
import { operation, reply } from "../middleware/operation";
import { assignmentsBody, LicenseAssignments } from "../wire/customers";
import { IdParam } from "./requests/common";

const Params = IdParam("lic").extend({ user_id: IdParam("user").shape.id.openapi({ param: { name: "user_id", in: "path" } }) });

export default operation({
  method: "delete",
  path: "/v1/licenses/{id}/users/{user_id}",
  operationId: "unassignLicenseUser",
  audience: "admin",
  permission: ["licenses:write", "users:read", "groups:read"],
  tags: ["Licenses (admin)"],
  summary: "Unassign a license from a user",
  request: { params: Params },
  responses: { 200: { description: "The license's assignments", schema: LicenseAssignments } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, assignmentsBody(await services.assignments.unassignUser(params.id, params.user_id))),
});
