// GET /v1/webhooks/{id}/deliveries: what was sent to an endpoint, and how each attempt went.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses, pageOf } from "../wire/common";
import { WebhookDelivery, webhookDeliveryBody } from "../wire/webhooks";
import { IdParam, PageQuery } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  tags: ["Webhooks"],
  summary: "List an endpoint's deliveries",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:read")] as const,
  request: { params: IdParam("whk"), query: PageQuery.extend({ status: z.enum(["pending", "succeeded", "failed"]).optional() }) },
  responses: {
    200: { description: "A page of deliveries", content: { "application/json": { schema: pageOf(WebhookDelivery).openapi("WebhookDeliveryPage") } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1WebhooksDeliveriesList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.webhooks.deliveries(
      c.req.valid("param").id,
      { limit: query.limit, startingAfter: query.starting_after },
      { status: query.status },
    );
    return c.json({ ...page, data: page.data.map(webhookDeliveryBody) }, 200);
  });
