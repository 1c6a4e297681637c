// GET /v1/webhooks/{id}
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { getWebhookEndpoint } from "../services/webhook-endpoints";
import { IdParam } from "./admin-schemas";
import { errorResponses } from "./schemas";
import { WebhookEndpoint, webhookEndpointBody } from "./webhook-schemas";

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
  app.openapi(route, async (c) => {
    const row = await getWebhookEndpoint(c.var.db(), c.var.auth.tenantId, c.req.valid("param").id);
    if (!row) throw notFound("Webhook endpoint");
    return c.json(webhookEndpointBody(row), 200);
  });
