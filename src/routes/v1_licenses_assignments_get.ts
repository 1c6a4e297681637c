// GET /v1/licenses/{id}/assignments: who holds a license (named seats): its users, its groups, and
// how many distinct users that makes against the policy's max_users.
import { operation, reply } from "../middleware/operation";
import { assignmentsBody, LicenseAssignments } from "../wire/customers";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/licenses/{id}/assignments",
  operationId: "getLicenseAssignments",
  audience: "admin",
  permission: ["licenses:read", "users:read", "groups:read"],
  tags: ["Licenses (admin)"],
  summary: "Who holds a license",
  request: { params: IdParam("lic") },
  responses: { 200: { description: "The license's users and groups", schema: LicenseAssignments } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, assignmentsBody(await services.assignments.list(params.id))),
});
