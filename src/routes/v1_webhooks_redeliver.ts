// POST /v1/webhook-deliveries/{id}/redeliver: send a failed (or delivered) event again, with the
// same `webhook-id` so receivers can deduplicate. It gets a fresh set of attempts.

import { operation, reply } from "../middleware/operation";
import { WebhookDelivery, webhookDeliveryBody } from "../wire/webhooks";
import { IdParam } from "./requests/common";

export default operation({
  method: "post",
  path: "/v1/webhook-deliveries/{id}/redeliver",
  operationId: "redeliverWebhookDelivery",
  audience: "admin",
  permission: "webhooks:write",
  tags: ["Webhooks"],
  summary: "Redeliver an event to an endpoint",
  description: "409 while the delivery is still pending (it is already being retried).",
  request: { params: IdParam("dlv") },
  responses: { 200: { description: "Queued again", schema: WebhookDelivery } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ params }, { services }) => reply(200, webhookDeliveryBody(await services.webhooks.redeliver(params.id))),
});
