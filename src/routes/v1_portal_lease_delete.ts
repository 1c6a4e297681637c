// DELETE /v1/portal/licenses/{id}/leases/{lease_id}: the customer frees a stuck floating seat.
import { operation, reply } from "../middleware/operation";
import { PortalSeat, portalSeatBody } from "../wire/portal";
import { LeaseParams } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/portal/licenses/{id}/leases/{lease_id}",
  operationId: "releasePortalSeat",
  audience: "portal",
  tags: ["Customer portal"],
  summary: "Free a floating seat",
  description: "Its tokens die at once. Audited with the customer as actor; `lease.released`.",
  request: { params: LeaseParams },
  responses: { 200: { description: "The freed seat", schema: PortalSeat } },
  errors: ["NOT_FOUND", "LEASE_EXPIRED", "LEASE_BORROWED"],
  handler: async ({ params }, { services }) => reply(200, portalSeatBody(await services.portal.releaseSeat(params.id, params.lease_id))),
});
