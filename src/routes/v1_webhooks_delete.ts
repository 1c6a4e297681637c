// DELETE /v1/webhooks/{id}: the endpoint and its pending deliveries are removed.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { IdParam } from "./requests/common";

const route = createRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  operationId: "deleteWebhook",
  tags: ["Webhooks"],
  summary: "Delete a webhook endpoint",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:write")] as const,
  request: { params: IdParam("whk") },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 422, 429, 503) },
});

export const registerV1WebhooksDelete = (app: App) =>
  app.openapi(route, async (c) => {
    await c.var.services.webhooks.remove(c.req.valid("param").id);
    return c.body(null, 204);
  });
