// PATCH /v1/webhooks/{id}: change the URL, the subscribed events, or enable/disable.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { EventTypes, WebhookEndpoint, webhookEndpointBody } from "../wire/webhooks";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({ url: z.string().min(1).max(2048).optional(), event_types: EventTypes.optional(), enabled: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateWebhookRequest", { minProperties: 1 });

export default operation({
  method: "patch",
  path: "/v1/webhooks/{id}",
  operationId: "updateWebhook",
  audience: "admin",
  permission: "webhooks:write",
  tags: ["Webhooks"],
  summary: "Update a webhook endpoint",
  description:
    "A new `url` or `event_types` needs the read permission of each subscribed event's data, as on create (403 otherwise): whoever points an endpoint somewhere reads what it receives.",
  request: { params: IdParam("whk"), body: Body },
  responses: { 200: { description: "Updated", schema: WebhookEndpoint } },
  errors: ["NOT_FOUND"],
  handler: async ({ body, params }, { services }) => {
    const row = await services.webhooks.update(params.id, { url: body.url, eventTypes: body.event_types, enabled: body.enabled });
    return reply(200, webhookEndpointBody(row));
  },
});
