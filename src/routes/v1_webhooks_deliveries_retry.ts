// POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry: retry now. The delivery's next attempt is
// made within the request and its outcome answered; a retrying delivery's schedule goes on from
// it, so nothing is sent twice (a scheduled run that has it answers 409 DELIVERY_IN_PROGRESS).
import { operation, reply } from "../middleware/operation";
import { WebhookAttemptResult, webhookAttemptResultBody } from "../wire/webhooks";
import { DeliveryParams } from "./requests/common";

export default operation({
  method: "post",
  path: "/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
  operationId: "retryWebhookDelivery",
  audience: "admin",
  permission: "webhooks:write",
  tags: ["Webhooks"],
  summary: "Retry a delivery now",
  description:
    "Attempts a pending (retrying) or failed delivery at once, with the same `webhook-id`, and answers the attempt. A retrying delivery's next retry is then scheduled from this attempt as if it had come due now (the same 10 attempts in all); a failed one that fails again stays failed. 409 `ALREADY_DELIVERED` for a delivered one (redeliver sends it again), `DELIVERY_IN_PROGRESS` while another attempt is being sent, `ENDPOINT_DISABLED` while the endpoint is disabled.",
  request: { params: DeliveryParams },
  responses: { 200: { description: "The attempt's outcome (a failed attempt is a 200 too: see `succeeded`)", schema: WebhookAttemptResult } },
  errors: ["NOT_FOUND", "ALREADY_DELIVERED", "DELIVERY_IN_PROGRESS", "ENDPOINT_DISABLED"],
  handler: async ({ params }, { services }) => reply(200, webhookAttemptResultBody(await services.webhooks.retryNow(params.id, params.delivery_id))),
});
