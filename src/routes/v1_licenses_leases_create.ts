// POST /v1/licenses/leases (public): a floating seat for a running instance, with a short license
// token that ends with it. 409 NO_LEASES_AVAILABLE (with Retry-After) when every seat is taken.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { errorResponses } from "../wire/common";
import { LeaseGrant, leaseGrantBody } from "../wire/leases";
import { jsonBody } from "./requests/common";
import { LeaseKeyBody, text } from "./requests/public-body";

const Body = LeaseKeyBody("LeaseRequest", {
  instance_id: text(200).openapi({
    description: "The running copy (a process or session id): one lease each; asking again with the same id extends its lease",
  }),
  user: text(200).optional().openapi({
    description:
      "Who uses it: required by `per_user` policies, where one user holds one seat however many instances. The client asserts it: the service cannot tell one user from another who claims to be them.",
  }),
});

const route = createRoute({
  method: "post",
  path: "/v1/licenses/leases",
  operationId: "acquireLease",
  tags: ["Floating (public)"],
  summary: "Take a floating seat",
  description:
    "Judged as verify judges it (status, expiry, the policy's hardware, domain or IP binding: send `fingerprint` or `domain` as verify would). 201 with a new lease (`expires_at` = now + the policy's `lease_ttl_s`), 200 when this instance already holds one (extended); 409 LEASE_BORROWED while that lease is borrowed. When every seat is taken: 409 NO_LEASES_AVAILABLE with `Retry-After` (seconds until the first lease ends) and `details.in_use`. Send an `Idempotency-Key` so a retried request takes no second seat.",
  middleware: [metricEvent("lease"), publicRateLimit()] as const,
  request: {
    headers: z.object({ "idempotency-key": z.string().min(1).max(255).optional() }),
    body: jsonBody(Body),
  },
  responses: {
    200: { description: "This instance's lease, extended", content: { "application/json": { schema: LeaseGrant } } },
    201: { description: "A new lease", content: { "application/json": { schema: LeaseGrant } } },
    ...errorResponses(400, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesLeasesCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const grant = await c.var.services.leases.acquire({
      licenseKey: input.license_key,
      fingerprint: input.fingerprint,
      domain: input.domain,
      clientIp: c.req.header("CF-Connecting-IP"),
      instanceId: input.instance_id,
      userId: input.user,
      idempotencyKey: c.req.valid("header")["idempotency-key"],
      now: new Date(),
    });
    return c.json(leaseGrantBody(grant), grant.status);
  });
