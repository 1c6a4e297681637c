// GET /v1/webhooks/{id}
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { WebhookEndpoint, webhookEndpointBody } from "../wire/webhooks";
import { IdParam } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}",
  operationId: "getWebhook",
  tags: ["Webhooks"],
  summary: "Get a webhook endpoint",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:read")] as const,
  request: { params: IdParam("whk") },
  responses: {
    200: { description: "The endpoint (no secret)", content: { "application/json": { schema: WebhookEndpoint } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1WebhooksGet = (app: App) =>
  app.openapi(route, async (c) => c.json(webhookEndpointBody(await c.var.services.webhooks.get(c.req.valid("param").id)), 200));
