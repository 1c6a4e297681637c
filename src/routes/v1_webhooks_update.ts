// PATCH /v1/webhooks/{id}: change the URL, the subscribed events, or enable/disable.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { EventTypes, WebhookEndpoint, webhookEndpointBody } from "../wire/webhooks";
import { IdParam, jsonBody } from "./requests/common";

const Body = z
  .strictObject({ url: z.string().min(1).max(2048).optional(), event_types: EventTypes.optional(), enabled: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateWebhookRequest", { minProperties: 1 });

const route = createRoute({
  method: "patch",
  path: "/v1/webhooks/{id}",
  operationId: "updateWebhook",
  tags: ["Webhooks"],
  summary: "Update a webhook endpoint",
  description:
    "A new `url` or `event_types` needs the read permission of each subscribed event's data, as on create (403 otherwise): whoever points an endpoint somewhere reads what it receives.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:write")] as const,
  request: { params: IdParam("whk"), body: jsonBody(Body) },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: WebhookEndpoint } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1WebhooksUpdate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const row = await c.var.services.webhooks.update(c.req.valid("param").id, { url: input.url, eventTypes: input.event_types, enabled: input.enabled });
    return c.json(webhookEndpointBody(row), 200);
  });
