// POST /v1/licenses/leases/{id}/borrow (public): takes a live lease offline until `until` (at most
// the policy's max_borrow_s): the answer is a machine file for the borrowing device (its
// `fingerprint`) valid until then, and the seat stays taken until then: the lease can be neither
// released nor taken again before `until` (409 LEASE_BORROWED).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { REFUSAL_ERROR_CODES } from "../services/license-validation";
import { Lease, leaseBody } from "../wire/leases";
import { LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { IdParam } from "./requests/common";
import { LeaseKeyBody } from "./requests/public-body";

const Body = LeaseKeyBody(
  "LeaseBorrowRequest",
  {
    until: z
      .string()
      .datetime({ offset: true })
      .openapi({ description: "When the borrow ends: at most the policy's `max_borrow_s` from now, and not past the license's expiry" }),
  },
  true,
);

export default operation({
  method: "post",
  path: "/v1/licenses/leases/{id}/borrow",
  operationId: "borrowLease",
  audience: "device",
  metric: "lease",
  tags: ["Floating (public)"],
  summary: "Borrow a floating seat for offline use",
  request: { params: IdParam("lse"), body: Body },
  responses: {
    200: {
      description: "The lease, held until `until`, and its license file",
      content: { "application/json": { schema: z.object({ lease: Lease, license_file: LicenseFileResponse }).openapi("BorrowedLease") } },
    },
  },
  errors: [...REFUSAL_ERROR_CODES, "LEASES_NOT_ENABLED", "LEASE_NOT_FOUND", "LEASE_EXPIRED", "LEASE_BORROWED"],
  handler: async ({ body, params }, { clientIp, services }) => {
    const out = await services.leases.borrow({
      licenseKey: body.license_key,
      fingerprint: body.fingerprint,
      domain: body.domain,
      clientIp,
      leaseId: params.id,
      until: new Date(body.until),
      now: new Date(),
    });
    return reply(200, { lease: leaseBody(out.lease), license_file: licenseFileBody(out.file) });
  },
});
