// POST /v1/webhooks: register an https endpoint for some (or all) event types. The `whsec_`
// signing secret is in this answer only; Postgres holds it AES-256-GCM encrypted.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { EventTypes, WebhookEndpointWithSecret, webhookEndpointBody } from "../wire/webhooks";

const Body = z
  .strictObject({
    url: z.string().min(1).max(2048).openapi({ example: "https://example.com/hooks/licenses" }),
    event_types: EventTypes.default([]),
    enabled: z.boolean().default(true),
  })
  .openapi("CreateWebhookRequest");

export default operation({
  method: "post",
  path: "/v1/webhooks",
  operationId: "createWebhook",
  audience: "admin",
  permission: "webhooks:write",
  tags: ["Webhooks"],
  summary: "Register a webhook endpoint",
  description:
    "The URL must be public https on the default port (private, loopback, link-local and metadata addresses are refused). Subscribing needs the read permission of each event's data (`licenses:read` for license and token events, `activations:read`, `api_keys:read`); an empty `event_types` (every event) needs all of them (403 otherwise).",
  request: { body: Body },
  responses: { 201: { description: "Created; `secret` appears only here", schema: WebhookEndpointWithSecret } },
  handler: async ({ body }, { services }) => {
    const { row, secret } = await services.webhooks.create({ url: body.url, eventTypes: body.event_types, enabled: body.enabled });
    return reply(201, { ...webhookEndpointBody(row), secret });
  },
});
