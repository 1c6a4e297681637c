// DELETE /v1/licenses/{id}/groups/{group_id}: take the license away from a group; floating seats
// held by people who no longer hold it end at once.
import { operation, reply } from "../middleware/operation";
import { assignmentsBody, LicenseAssignments } from "../wire/customers";
import { IdParam } from "./requests/common";

const Params = IdParam("lic").extend({ group_id: IdParam("grp").shape.id.openapi({ param: { name: "group_id", in: "path" } }) });

export default operation({
  method: "delete",
  path: "/v1/licenses/{id}/groups/{group_id}",
  operationId: "unassignLicenseGroup",
  audience: "admin",
  permission: ["licenses:write", "users:read", "groups:read"],
  tags: ["Licenses (admin)"],
  summary: "Unassign a license from a group",
  request: { params: Params },
  responses: { 200: { description: "The license's assignments", schema: LicenseAssignments } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, assignmentsBody(await services.assignments.unassignGroup(params.id, params.group_id))),
});
