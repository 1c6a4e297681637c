// GET /v1/webhooks/{id}/deliveries: what was sent to an endpoint, and how each attempt went.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { WebhookDelivery, webhookDeliveryBody } from "../wire/webhooks";
import { IdParam, PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  audience: "admin",
  permission: "webhooks:read",
  tags: ["Webhooks"],
  summary: "List an endpoint's deliveries",
  request: { params: IdParam("whk"), query: PageQuery.extend({ status: z.enum(["pending", "succeeded", "failed"]).optional() }) },
  responses: { 200: { description: "A page of deliveries", schema: pageOf(WebhookDelivery).openapi("WebhookDeliveryPage") } },
  errors: ["NOT_FOUND"],
  handler: async ({ params, query }, { services }) => {
    const page = await services.webhooks.deliveries(params.id, { limit: query.limit, startingAfter: query.starting_after }, { status: query.status });
    return reply(200, { ...page, data: page.data.map(webhookDeliveryBody) });
  },
});
