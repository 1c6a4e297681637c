// DELETE /v1/portal/session: the customer signs out: the portal credential dies at once.
import { operation, reply } from "../middleware/operation";
import { isPortalActor } from "../services/portal";

export default operation({
  method: "delete",
  path: "/v1/portal/session",
  operationId: "signOutPortal",
  audience: "portal",
  tags: ["Customer portal"],
  summary: "Sign out of the portal",
  responses: { 204: { description: "Signed out" } },
  handler: async (_, { actor, services }) => {
    if (isPortalActor(actor)) await services.portal.signOut(actor.portal.sessionId, new Date());
    return reply(204, null);
  },
});
