// DELETE /v1/licenses/leases/{id} (public): frees the seat at once (the client is closing). The body
// carries the license key, as every public license route does.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Lease, leaseBody } from "../wire/leases";
import { IdParam } from "./requests/common";
import { LeaseKeyBody } from "./requests/public-body";

export default operation({
  method: "delete",
  path: "/v1/licenses/leases/{id}",
  operationId: "releaseLease",
  audience: "device",
  metric: "lease",
  tags: ["Floating (public)"],
  summary: "Release a floating seat",
  request: { params: IdParam("lse"), body: LeaseKeyBody("LeaseReleaseRequest") },
  responses: { 200: { description: "Released", schema: z.object({ lease: Lease }).openapi("ReleasedLease") } },
  errors: ["LICENSE_NOT_FOUND", "LEASE_NOT_FOUND", "LEASE_EXPIRED", "LEASE_BORROWED"],
  handler: async ({ body, params }, { services }) => {
    const lease = await services.leases.release({ licenseKey: body.license_key, leaseId: params.id, now: new Date() });
    return reply(200, { lease: leaseBody(lease) });
  },
});
