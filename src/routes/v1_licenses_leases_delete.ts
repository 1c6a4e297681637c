// DELETE /v1/licenses/{id}/leases/{lease_id} (admin): frees one floating seat at once (a stuck
// client, a user who left); audited, and announced as `lease.released`.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Lease, leaseBody } from "../wire/leases";
import { LeaseParams } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/licenses/{id}/leases/{lease_id}",
  operationId: "releaseLeaseAdmin",
  audience: "admin",
  permission: "licenses:write",
  tags: ["Licenses (admin)"],
  summary: "Release a floating seat",
  request: { params: LeaseParams },
  responses: { 200: { description: "Released", schema: z.object({ lease: Lease }).openapi("AdminReleasedLease") } },
  errors: ["NOT_FOUND", "LEASE_EXPIRED"],
  handler: async ({ params }, { services }) => {
    const { id, lease_id } = params;
    return reply(200, { lease: leaseBody(await services.leases.adminRelease(id, lease_id)) });
  },
});
