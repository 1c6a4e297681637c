// GET /v1/webhooks/{id}/deliveries/{delivery_id}: one delivery with the exact body it sends and
// every attempt with the receiver's status, the start of its answer and the time taken.
import { operation, reply } from "../middleware/operation";
import { WebhookDeliveryDetail, webhookDeliveryDetailBody } from "../wire/webhooks";
import { DeliveryParams } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries/{delivery_id}",
  operationId: "getWebhookDelivery",
  audience: "admin",
  permission: "webhooks:read",
  tags: ["Webhooks"],
  summary: "Get a delivery with its payload and attempts",
  request: { params: DeliveryParams },
  responses: { 200: { description: "The delivery, its payload and its attempts", schema: WebhookDeliveryDetail } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, webhookDeliveryDetailBody(await services.webhooks.delivery(params.id, params.delivery_id))),
});
