// POST /v1/webhook-deliveries/{id}/redeliver: send a failed (or delivered) event again, with the
// same `webhook-id` so receivers can deduplicate. It gets a fresh set of attempts.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { WebhookDelivery, webhookDeliveryBody } from "../wire/webhooks";
import { IdParam } from "./requests/common";

const route = createRoute({
  method: "post",
  path: "/v1/webhook-deliveries/{id}/redeliver",
  operationId: "redeliverWebhookDelivery",
  tags: ["Webhooks"],
  summary: "Redeliver an event to an endpoint",
  description: "409 while the delivery is still pending (it is already being retried).",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:write")] as const,
  request: { params: IdParam("dlv") },
  responses: {
    200: { description: "Queued again", content: { "application/json": { schema: WebhookDelivery } } },
    ...errorResponses(401, 403, 404, 409, 422, 429, 503),
  },
});

export const registerV1WebhooksRedeliver = (app: App) =>
  app.openapi(route, async (c) => c.json(webhookDeliveryBody(await c.var.services.webhooks.redeliver(c.req.valid("param").id)), 200));
