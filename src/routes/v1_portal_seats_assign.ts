// PUT /v1/portal/licenses/{id}/users/{user_id}: a customer admin gives one of its users a seat.
import { operation, reply } from "../middleware/operation";
import { PortalHolders, portalHoldersBody } from "../wire/portal-users";
import { LicenseUserParams } from "./requests/common";

export default operation({
  method: "put",
  path: "/v1/portal/licenses/{id}/users/{user_id}",
  operationId: "assignPortalSeat",
  audience: "portal",
  permission: "users:write",
  tags: ["Customer portal"],
  summary: "Give a user a seat",
  description:
    "Idempotent. For the customer's admins; 403 for a member. 409 TOO_MANY_USERS when the license's people would exceed its policy's max_users (nothing changes). Audited with the customer as actor; `license.updated`.",
  request: { params: LicenseUserParams },
  responses: { 200: { description: "The license's holders", schema: PortalHolders } },
  errors: ["FORBIDDEN", "NOT_FOUND", "TOO_MANY_USERS", "CUSTOMER_MISMATCH"],
  handler: async ({ params }, { services }) => reply(200, portalHoldersBody(await services.portalUsers.assign(params.id, params.user_id))),
});
