// GET /v1/webhooks/{id}

import { operation, reply } from "../middleware/operation";
import { WebhookEndpoint, webhookEndpointBody } from "../wire/webhooks";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/webhooks/{id}",
  operationId: "getWebhook",
  audience: "admin",
  permission: "webhooks:read",
  tags: ["Webhooks"],
  summary: "Get a webhook endpoint",
  request: { params: IdParam("whk") },
  responses: { 200: { description: "The endpoint (no secret)", schema: WebhookEndpoint } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, webhookEndpointBody(await services.webhooks.get(params.id))),
});
