// POST /v1/webhook-deliveries/{id}/redeliver: send a failed (or delivered) event again, with the
// same `webhook-id` so receivers can deduplicate. It gets a fresh set of attempts.
import { createRoute } from "@hono/zod-openapi";
import { and, eq, ne } from "drizzle-orm";
import type { App } from "../app";
import { webhookDeliveries } from "../db/schema";
import { AppError, notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { deliverDue } from "../services/webhook-delivery";
import { IdParam } from "./admin-schemas";
import { errorResponses } from "./schemas";
import { WebhookDelivery, webhookDeliveryBody } from "./webhook-schemas";

const route = createRoute({
  method: "post",
  path: "/v1/webhook-deliveries/{id}/redeliver",
  operationId: "redeliverWebhookDelivery",
  tags: ["Webhooks"],
  summary: "Redeliver an event to an endpoint",
  description: "409 while the delivery is still pending (it is already being retried).",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:write")] as const,
  request: { params: IdParam("dlv") },
  responses: {
    200: { description: "Queued again", content: { "application/json": { schema: WebhookDelivery } } },
    ...errorResponses(401, 403, 404, 409, 422, 429, 503),
  },
});

export const registerV1WebhooksRedeliver = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const tenantId = c.var.auth.tenantId;
    const row = await withChanges(c, async (tx, record) => {
      const [queued] = await tx
        .update(webhookDeliveries)
        .set({ status: "pending", attempts: 0, nextAttemptAt: new Date(), updatedAt: new Date() })
        .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, id), ne(webhookDeliveries.status, "pending")))
        .returning();
      if (queued) await record({ action: "webhook.redeliver", targetType: "webhook_delivery", targetId: id });
      return queued;
    });
    if (!row) {
      const [current] = await c.var
        .db()
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, id)));
      if (!current) throw notFound("Delivery");
      throw new AppError("CONFLICT", "The delivery is still pending; it is being retried.");
    }
    c.var.defer(deliverDue(c.var.db(), c.env, { eventIds: [row.eventId] }));
    return c.json(webhookDeliveryBody(row), 200);
  });
