// POST /v1/billing/{connector_id}/events: a payment provider's webhook. The provider's signature is
// verified over the raw body before anything is parsed (services/billing/intake.ts).
import { z } from "@hono/zod-openapi";
import { AppError } from "../errors";
import { operation, reply } from "../middleware/operation";
import { payloadTooLarge } from "../middleware/security";
import { BillingEvent, billingEventBody } from "../wire/billing";

const Params = z.object({
  connector_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Not an id")
    .openapi({ param: { name: "connector_id", in: "path" }, example: "bc_..." }),
});

const Received = z.object({ event: BillingEvent, duplicate: z.boolean() }).openapi("BillingDeliveryReceived");

export default operation({
  method: "post",
  path: "/v1/billing/{connector_id}/events",
  operationId: "receiveBillingEvent",
  audience: "provider",
  tags: ["Billing"],
  summary: "A payment provider's webhook (paste the connector's endpoint_url into the provider)",
  description:
    "Signed as each provider specifies: Stripe `Stripe-Signature` (5-minute tolerance), Paddle `Paddle-Signature`, Lemon Squeezy `X-Signature`, Polar's Standard Webhooks headers. 404 for an unknown or disabled connector; 400 BILLING_SIGNATURE_INVALID (missing, wrong or stale) or BILLING_EVENT_MALFORMED; 422 BILLING_UNMAPPED for a price no mapping names; 409 BILLING_APPLY_FAILED when the event could not be applied (the event log says why). Each refusal leaves one line in the event log and nothing of the body; providers retry non-2xx answers. A provider event id is applied at most once (a repeat answers 200 with `duplicate: true`).",
  request: {
    params: Params,
    // A plain OpenAPI schema, not a zod one: documented, never validated (nor even parsed) before the
    // handler has checked the provider's signature over the raw bytes.
    bodyContent: {
      required: true,
      content: { "application/json": { schema: { type: "object", description: "The provider's event, exactly as the provider signed it" } } },
    },
  },
  responses: { 200: { description: "Received: applied, ignored or pending (see `event.outcome`)", schema: Received } },
  errors: ["NOT_FOUND", "BILLING_SIGNATURE_INVALID", "BILLING_EVENT_MALFORMED", "BILLING_UNMAPPED", "BILLING_APPLY_FAILED"],
  handler: async ({ params }, { services, raw }) => {
    const { connector, actor } = await services.billingIntake.connector(params.connector_id);
    if (raw.get("bodyTooLarge")) throw payloadTooLarge();
    const body = await raw.req.text();
    if (!body) throw new AppError("BILLING_EVENT_MALFORMED", "The body is empty.");
    // The connector acts from here on: the audit log names it.
    raw.set("auth", actor);
    const received = await services.billingIntake.receive(connector, raw.req.raw.headers, body, new Date());
    return reply(200, { event: billingEventBody(received.event), duplicate: received.duplicate });
  },
});
