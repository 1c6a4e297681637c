// GET /v1/webhooks
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses, pageOf } from "../wire/common";
import { WebhookEndpoint, webhookEndpointBody } from "../wire/webhooks";
import { PageQuery } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/webhooks",
  operationId: "listWebhooks",
  tags: ["Webhooks"],
  summary: "List webhook endpoints",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:read")] as const,
  request: { query: PageQuery },
  responses: {
    200: { description: "A page of endpoints", content: { "application/json": { schema: pageOf(WebhookEndpoint).openapi("WebhookEndpointPage") } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1WebhooksList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.webhooks.list({ limit: query.limit, startingAfter: query.starting_after });
    return c.json({ ...page, data: page.data.map(webhookEndpointBody) }, 200);
  });
