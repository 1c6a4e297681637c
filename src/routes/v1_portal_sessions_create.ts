// POST /v1/portal/sessions: a seller's backend opens the customer portal for one customer and gets
// a one-time link to send the customer to (the pattern of Stripe's customer portal sessions).
import { z } from "@hono/zod-openapi";
import { PORTAL_CODE_TTL_S } from "../contract/portal";
import { operation, reply } from "../middleware/operation";
import { PortalSession, portalSessionBody } from "../wire/portal";

const Body = z
  .strictObject({
    customer_id: z.string().regex(/^cust_[A-Za-z0-9]{1,60}$/, "A customer id (cust_...)"),
    user_id: z
      .string()
      .regex(/^user_[A-Za-z0-9]{1,60}$/, "A user id (user_...)")
      .optional()
      .openapi({
        description:
          "Open it for one of the customer's users rather than its account holder: a user whose role is `admin` may manage the customer's users and seats, a `member` may not.",
      }),
    return_url: z
      .string()
      .max(2048)
      .optional()
      .openapi({ description: "Where the portal's back link goes: https, on one of the tenant's `portal.return_origins` (PATCH /v1/tenant)" }),
    locale: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/, "A language tag such as en or de-CH")
      .optional(),
  })
  .openapi("CreatePortalSessionRequest");

const Created = PortalSession.extend({
  url: z.string().openapi({ description: `The one-time link: open it within ${PORTAL_CODE_TTL_S / 60} minutes; it works once. Never store or log it.` }),
}).openapi("CreatedPortalSession");

export default operation({
  method: "post",
  path: "/v1/portal/sessions",
  operationId: "createPortalSession",
  audience: "admin",
  permission: "portal:write",
  tags: ["Customer portal"],
  summary: "Open the customer portal for a customer",
  description:
    "Answers a one-time `url` to redirect the customer to. Opening it exchanges its code for a portal credential scoped to that customer, held in the tab; the code works once, within 10 minutes. The session ends after 30 minutes without use, 12 hours at most, when revoked, or when its user is deleted. Without `user_id` it is the customer's account holder's (who may manage the customer's users and seats); with one, that user's. Audited (`portal_session.create`). 409 for an erased customer.",
  request: { body: Body },
  responses: { 201: { description: "The session and its one-time link", schema: Created } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ body }, { services }) => {
    const { session, url } = await services.portal.createSession({
      customerId: body.customer_id,
      userId: body.user_id,
      returnUrl: body.return_url,
      locale: body.locale,
      now: new Date(),
    });
    return reply(201, { ...portalSessionBody(session), url }, { "Cache-Control": "no-store" });
  },
});
