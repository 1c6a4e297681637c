// POST /v1/licenses/leases/{id}/heartbeat (public): keeps a lease alive for another TTL and rotates
// its token. An ended lease (released, or past its TTL) is 409 LEASE_EXPIRED: take a new one.

import { operation, reply } from "../middleware/operation";
import { REFUSAL_ERROR_CODES } from "../services/license-validation";
import { LeaseGrant, leaseGrantBody } from "../wire/leases";
import { IdParam } from "./requests/common";
import { LeaseKeyBody } from "./requests/public-body";

export default operation({
  method: "post",
  path: "/v1/licenses/leases/{id}/heartbeat",
  operationId: "heartbeatLease",
  audience: "device",
  metric: "lease",
  tags: ["Floating (public)"],
  summary: "Extend a floating seat",
  request: { params: IdParam("lse"), body: LeaseKeyBody("LeaseHeartbeatRequest") },
  responses: { 200: { description: "The lease, extended, with a new token", schema: LeaseGrant } },
  errors: [...REFUSAL_ERROR_CODES, "LEASES_NOT_ENABLED", "LEASE_NOT_FOUND", "LEASE_EXPIRED", "LEASE_BORROWED"],
  handler: async ({ body, params }, { clientIp, services }) => {
    const { license_key: licenseKey, fingerprint, domain } = body;
    const grant = await services.leases.heartbeat({ licenseKey, fingerprint, domain, clientIp, leaseId: params.id, now: new Date() });
    return reply(200, leaseGrantBody(grant));
  },
});
