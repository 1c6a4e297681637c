// POST /v1/webhooks/{id}/test: sends a `webhook.test` event to this endpoint only, now, signed like
// every delivery (Standard Webhooks) and under the same URL rules, and answers how it went.
import { operation, reply } from "../middleware/operation";
import { WebhookAttemptResult, webhookAttemptResultBody } from "../wire/webhooks";
import { IdParam } from "./requests/common";

export default operation({
  method: "post",
  path: "/v1/webhooks/{id}/test",
  operationId: "sendWebhookTest",
  audience: "admin",
  permission: "webhooks:write",
  tags: ["Webhooks"],
  summary: "Send a test event to an endpoint",
  description:
    "One `webhook.test` event (`data: { endpoint_id, message }`), to this endpoint only, whatever it subscribes to and also while it is disabled. Sent within the request; the answer is the attempt's outcome (status, duration, the start of the receiver's answer). Recorded among the endpoint's deliveries; tried once, never retried by itself.",
  request: { params: IdParam("whk") },
  responses: { 200: { description: "The attempt's outcome (a failed attempt is a 200 too: see `succeeded`)", schema: WebhookAttemptResult } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, webhookAttemptResultBody(await services.webhooks.sendTest(params.id))),
});
