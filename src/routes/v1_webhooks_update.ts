// PATCH /v1/webhooks/{id}: change the URL, the subscribed events, or enable/disable.
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { App } from "../app";
import type { EventType } from "../contract/events";
import { webhookEndpoints } from "../db/schema";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { assertCanSubscribe, assertWebhookUrl, getWebhookEndpoint } from "../services/webhook-endpoints";
import { IdParam } from "./admin-schemas";
import { errorResponses, jsonBody } from "./schemas";
import { EventTypes, WebhookEndpoint, webhookEndpointBody } from "./webhook-schemas";

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
    const { id } = c.req.valid("param");
    if (input.url !== undefined) assertWebhookUrl(c.env, input.url);
    const row = await withChanges(c, async (tx, record) => {
      const current = await getWebhookEndpoint(tx, c.var.auth.tenantId, id, { lock: true });
      if (!current) throw notFound("Webhook endpoint");
      // A new URL receives what the endpoint subscribes to: pointing it elsewhere is reading it.
      if (input.event_types !== undefined || input.url !== undefined) {
        assertCanSubscribe((input.event_types ?? current.eventTypes) as EventType[], c.var.auth.permissions);
      }
      const [updated] = await tx
        .update(webhookEndpoints)
        .set({ url: input.url, eventTypes: input.event_types && [...new Set(input.event_types)], enabled: input.enabled, updatedAt: new Date() })
        .where(and(eq(webhookEndpoints.tenantId, c.var.auth.tenantId), eq(webhookEndpoints.id, id)))
        .returning();
      if (!updated) throw notFound("Webhook endpoint");
      await record({ action: "webhook.update", targetType: "webhook_endpoint", targetId: id, details: input });
      return updated;
    });
    return c.json(webhookEndpointBody(row), 200);
  });
