// GET /v1/webhooks/{id}/deliveries: what was sent to an endpoint, and how each attempt went.
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { App } from "../app";
import { listPage } from "../db/queries/pagination";
import { webhookDeliveries } from "../db/schema";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { getWebhookEndpoint } from "../services/webhook-endpoints";
import { IdParam } from "./admin-schemas";
import { errorResponses, PageQuery, pageOf } from "./schemas";
import { WebhookDelivery, webhookDeliveryBody } from "./webhook-schemas";

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
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const tenantId = c.var.auth.tenantId;
    if (!(await getWebhookEndpoint(c.var.db(), tenantId, id))) throw notFound("Webhook endpoint");
    const filter = and(eq(webhookDeliveries.endpointId, id), query.status ? eq(webhookDeliveries.status, query.status) : undefined);
    const page = await listPage(c.var.db(), webhookDeliveries, tenantId, { limit: query.limit, startingAfter: query.starting_after }, filter);
    return c.json({ ...page, data: page.data.map(webhookDeliveryBody) }, 200);
  });
