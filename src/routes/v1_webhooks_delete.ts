// DELETE /v1/webhooks/{id}: the endpoint and its pending deliveries are removed.
import { createRoute } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { App } from "../app";
import { webhookEndpoints } from "../db/schema";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { IdParam } from "./admin-schemas";
import { errorResponses } from "./schemas";

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
    const { id } = c.req.valid("param");
    await withChanges(c, async (tx, record) => {
      const deleted = await tx
        .delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.tenantId, c.var.auth.tenantId), eq(webhookEndpoints.id, id)))
        .returning({ id: webhookEndpoints.id });
      if (deleted.length === 0) throw notFound("Webhook endpoint");
      await record({ action: "webhook.delete", targetType: "webhook_endpoint", targetId: id });
    });
    return c.body(null, 204);
  });
