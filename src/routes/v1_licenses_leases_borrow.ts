// POST /v1/licenses/leases/{id}/borrow (public): takes a live lease offline until `until` (at most
// the policy's max_borrow_s): the answer is a machine file for the borrowing device (its
// `fingerprint`) valid until then, and the seat stays taken until then: the lease can be neither
// released nor taken again before `until` (409 LEASE_BORROWED).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { errorResponses } from "../wire/common";
import { Lease, leaseBody } from "../wire/leases";
import { LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { IdParam, jsonBody } from "./requests/common";
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

const route = createRoute({
  method: "post",
  path: "/v1/licenses/leases/{id}/borrow",
  operationId: "borrowLease",
  tags: ["Floating (public)"],
  summary: "Borrow a floating seat for offline use",
  middleware: [metricEvent("lease"), publicRateLimit()] as const,
  request: { params: IdParam("lse"), body: jsonBody(Body) },
  responses: {
    200: {
      description: "The lease, held until `until`, and its license file",
      content: { "application/json": { schema: z.object({ lease: Lease, license_file: LicenseFileResponse }).openapi("BorrowedLease") } },
    },
    ...errorResponses(400, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesLeasesBorrow = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const out = await c.var.services.leases.borrow({
      licenseKey: input.license_key,
      fingerprint: input.fingerprint,
      domain: input.domain,
      clientIp: c.req.header("CF-Connecting-IP"),
      leaseId: c.req.valid("param").id,
      until: new Date(input.until),
      now: new Date(),
    });
    return c.json({ lease: leaseBody(out.lease), license_file: licenseFileBody(out.file) }, 200);
  });
