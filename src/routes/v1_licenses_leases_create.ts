// POST /v1/licenses/leases (public): a floating seat for a running instance, with a short license
// token that ends with it. 409 NO_LEASES_AVAILABLE (with Retry-After) when every seat is taken.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { REFUSAL_ERROR_CODES } from "../services/license-validation";
import { LeaseGrant, leaseGrantBody } from "../wire/leases";
import { LeaseKeyBody, text } from "./requests/public-body";

const Body = LeaseKeyBody("LeaseRequest", {
  instance_id: text(200).openapi({
    description: "The running copy (a process or session id): one lease each; asking again with the same id extends its lease",
  }),
  user: text(200).optional().openapi({
    description:
      "Who uses it: required by `per_user` policies, where one user holds one seat however many instances. For a license that belongs to a customer, a user id (`user_...`) or email of that customer's users who hold the license (404 USER_NOT_FOUND, 403 USER_NOT_ASSIGNED otherwise); for a license without a customer, any name the app chooses. The client asserts it: the service cannot tell one user from another who claims to be them.",
  }),
});

export default operation({
  method: "post",
  path: "/v1/licenses/leases",
  operationId: "acquireLease",
  audience: "device",
  metric: "lease",
  tags: ["Floating (public)"],
  summary: "Take a floating seat",
  description:
    "Judged as verify judges it (status, expiry, the policy's hardware, domain or IP binding: send `fingerprint` or `domain` as verify would). 201 with a new lease (`expires_at` = now + the policy's `lease_ttl_s`), 200 when this instance already holds one (extended); 409 LEASE_BORROWED while that lease is borrowed. When every seat is taken: 409 NO_LEASES_AVAILABLE with `Retry-After` (seconds until the first lease ends) and `details.in_use`. Send an `Idempotency-Key` so a retried request takes no second seat.",
  request: { headers: z.object({ "idempotency-key": z.string().min(1).max(255).optional() }), body: Body },
  responses: { 200: { description: "This instance's lease, extended", schema: LeaseGrant }, 201: { description: "A new lease", schema: LeaseGrant } },
  errors: [
    ...REFUSAL_ERROR_CODES,
    "LEASES_NOT_ENABLED",
    "NO_LEASES_AVAILABLE",
    "LEASE_BORROWED",
    "IDEMPOTENCY_KEY_REUSED",
    "CONFLICT",
    "USER_NOT_FOUND",
    "USER_NOT_ASSIGNED",
  ],
  handler: async ({ body, headers }, { clientIp, services }) => {
    const grant = await services.leases.acquire({
      licenseKey: body.license_key,
      fingerprint: body.fingerprint,
      domain: body.domain,
      clientIp,
      instanceId: body.instance_id,
      userId: body.user,
      idempotencyKey: headers["idempotency-key"],
      now: new Date(),
    });
    return reply(grant.status, leaseGrantBody(grant));
  },
});
