// DELETE /v1/portal/sessions/{id}: the seller ends a portal session now, link and credential alike.
import { operation, reply } from "../middleware/operation";
import { PortalSession, portalSessionBody } from "../wire/portal";
import { IdParam } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/portal/sessions/{id}",
  operationId: "revokePortalSession",
  audience: "admin",
  permission: "portal:write",
  tags: ["Customer portal"],
  summary: "Revoke a portal session",
  description: "Its link and its credential stop working at once (the next portal request is a 401). Idempotent; audited (`portal_session.revoke`).",
  request: { params: IdParam("ps") },
  responses: { 200: { description: "The revoked session", schema: PortalSession } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, portalSessionBody(await services.portal.revokeSession(params.id, new Date()))),
});
