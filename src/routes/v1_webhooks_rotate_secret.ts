// POST /v1/webhooks/{id}/rotate-secret: a new signing secret (shown once). For the overlap window
// every delivery carries two signatures, old and new (Standard Webhooks allows several), so
// receivers can switch secrets without dropping events.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { WebhookEndpointWithSecret, webhookEndpointBody } from "../wire/webhooks";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({
    overlap_s: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(86400)
      .openapi({ description: "How long the old secret keeps signing too (default 24 h)" }),
  })
  .openapi("RotateWebhookSecretRequest");

export default operation({
  method: "post",
  path: "/v1/webhooks/{id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  audience: "admin",
  permission: "webhooks:write",
  tags: ["Webhooks"],
  summary: "Rotate a webhook signing secret",
  request: { params: IdParam("whk"), body: Body },
  responses: { 200: { description: "The endpoint with its new secret", schema: WebhookEndpointWithSecret } },
  errors: ["NOT_FOUND"],
  handler: async ({ body, params }, { services }) => {
    const { row, secret } = await services.webhooks.rotateSecret(params.id, body.overlap_s);
    return reply(200, { ...webhookEndpointBody(row), secret });
  },
});
