// DELETE /v1/portal/licenses/{id}/users/{user_id}: a customer admin takes a seat back; the user's
// floating seats on the license end with it.
import { operation, reply } from "../middleware/operation";
import { PortalHolders, portalHoldersBody } from "../wire/portal-users";
import { LicenseUserParams } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/portal/licenses/{id}/users/{user_id}",
  operationId: "unassignPortalSeat",
  audience: "portal",
  permission: "users:write",
  tags: ["Customer portal"],
  summary: "Take a user's seat back",
  description:
    "For the customer's admins; 403 for a member; 404 when the user holds no direct seat. Audited with the customer as actor; `license.updated`, and `lease.released` for their floating seats.",
  request: { params: LicenseUserParams },
  responses: { 200: { description: "The license's holders", schema: PortalHolders } },
  errors: ["FORBIDDEN", "NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, portalHoldersBody(await services.portalUsers.unassign(params.id, params.user_id))),
});
