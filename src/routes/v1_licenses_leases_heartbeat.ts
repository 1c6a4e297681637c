// POST /v1/licenses/leases/{id}/heartbeat (public): keeps a lease alive for another TTL and rotates
// its token. An ended lease (released, or past its TTL) is 409 LEASE_EXPIRED: take a new one.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { errorResponses } from "../wire/common";
import { LeaseGrant, leaseGrantBody } from "../wire/leases";
import { IdParam, jsonBody } from "./requests/common";
import { LeaseKeyBody } from "./requests/public-body";

const route = createRoute({
  method: "post",
  path: "/v1/licenses/leases/{id}/heartbeat",
  operationId: "heartbeatLease",
  tags: ["Floating (public)"],
  summary: "Extend a floating seat",
  middleware: [metricEvent("lease"), publicRateLimit()] as const,
  request: { params: IdParam("lse"), body: jsonBody(LeaseKeyBody("LeaseHeartbeatRequest")) },
  responses: {
    200: { description: "The lease, extended, with a new token", content: { "application/json": { schema: LeaseGrant } } },
    ...errorResponses(400, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesLeasesHeartbeat = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const grant = await c.var.services.leases.heartbeat({
      licenseKey: input.license_key,
      fingerprint: input.fingerprint,
      domain: input.domain,
      clientIp: c.req.header("CF-Connecting-IP"),
      leaseId: c.req.valid("param").id,
      now: new Date(),
    });
    return c.json(leaseGrantBody(grant), 200);
  });
