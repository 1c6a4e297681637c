// POST /v1/webhooks: register an https endpoint for some (or all) event types. The `whsec_`
// signing secret is in this answer only; Postgres holds it AES-256-GCM encrypted.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { EventTypes, WebhookEndpointWithSecret, webhookEndpointBody } from "../wire/webhooks";
import { jsonBody } from "./requests/common";

const Body = z
  .strictObject({
    url: z.string().min(1).max(2048).openapi({ example: "https://example.com/hooks/licenses" }),
    event_types: EventTypes.default([]),
    enabled: z.boolean().default(true),
  })
  .openapi("CreateWebhookRequest");

const route = createRoute({
  method: "post",
  path: "/v1/webhooks",
  operationId: "createWebhook",
  tags: ["Webhooks"],
  summary: "Register a webhook endpoint",
  description:
    "The URL must be public https on the default port (private, loopback, link-local and metadata addresses are refused). Subscribing needs the read permission of each event's data (`licenses:read` for license and token events, `activations:read`, `api_keys:read`); an empty `event_types` (every event) needs all of them (403 otherwise).",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:write")] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: "Created; `secret` appears only here", content: { "application/json": { schema: WebhookEndpointWithSecret } } },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
  },
});

export const registerV1WebhooksCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const { row, secret } = await c.var.services.webhooks.create({ url: input.url, eventTypes: input.event_types, enabled: input.enabled });
    return c.json({ ...webhookEndpointBody(row), secret }, 201);
  });
