// GET /v1/webhooks

import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { WebhookEndpoint, webhookEndpointBody } from "../wire/webhooks";
import { PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/webhooks",
  operationId: "listWebhooks",
  audience: "admin",
  permission: "webhooks:read",
  tags: ["Webhooks"],
  summary: "List webhook endpoints",
  request: { query: PageQuery },
  responses: { 200: { description: "A page of endpoints", schema: pageOf(WebhookEndpoint).openapi("WebhookEndpointPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.webhooks.list({ limit: query.limit, startingAfter: query.starting_after });
    return reply(200, { ...page, data: page.data.map(webhookEndpointBody) });
  },
});
