// GET /v1/portal/licenses/{id}/users: who holds one of the customer's licenses (named seats).
import { operation, reply } from "../middleware/operation";
import { PortalHolders, portalHoldersBody } from "../wire/portal-users";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/portal/licenses/{id}/users",
  operationId: "getPortalLicenseHolders",
  audience: "portal",
  permission: "users:read",
  tags: ["Customer portal"],
  summary: "Who holds a license",
  description: "For the customer's admins; 403 for a member. The users given a seat directly, the groups holding it, and the limit.",
  request: { params: IdParam("lic") },
  responses: { 200: { description: "The license's holders", schema: PortalHolders } },
  errors: ["FORBIDDEN", "NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, portalHoldersBody(await services.portalUsers.holders(params.id))),
});
