// DELETE /v1/licenses/leases/{id} (public): frees the seat at once (the client is closing). The body
// carries the license key, as every public license route does.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { errorResponses } from "../wire/common";
import { Lease, leaseBody } from "../wire/leases";
import { IdParam, jsonBody } from "./requests/common";
import { LeaseKeyBody } from "./requests/public-body";

const route = createRoute({
  method: "delete",
  path: "/v1/licenses/leases/{id}",
  operationId: "releaseLease",
  tags: ["Floating (public)"],
  summary: "Release a floating seat",
  middleware: [metricEvent("lease"), publicRateLimit()] as const,
  request: { params: IdParam("lse"), body: jsonBody(LeaseKeyBody("LeaseReleaseRequest")) },
  responses: {
    200: { description: "Released", content: { "application/json": { schema: z.object({ lease: Lease }).openapi("ReleasedLease") } } },
    ...errorResponses(400, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesLeasesRelease = (app: App) =>
  app.openapi(route, async (c) => {
    const lease = await c.var.services.leases.release({ licenseKey: c.req.valid("json").license_key, leaseId: c.req.valid("param").id, now: new Date() });
    return c.json({ lease: leaseBody(lease) }, 200);
  });
