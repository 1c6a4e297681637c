// POST /v1/webhooks/{id}/rotate-secret: a new signing secret (shown once). For the overlap window
// every delivery carries two signatures, old and new (Standard Webhooks allows several), so
// receivers can switch secrets without dropping events.
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { App } from "../app";
import { webhookEndpoints } from "../db/schema";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { getWebhookEndpoint, newWebhookSecret, sealWebhookSecret } from "../services/webhook-endpoints";
import { IdParam } from "./admin-schemas";
import { errorResponses, jsonBody } from "./schemas";
import { WebhookEndpointWithSecret, webhookEndpointBody } from "./webhook-schemas";

const Body = z
  .strictObject({
    overlap_s: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(86400)
      .openapi({ description: "How long the old secret keeps signing too (default 24 h)" }),
  })
  .openapi("RotateWebhookSecretRequest");

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  tags: ["Webhooks"],
  summary: "Rotate a webhook signing secret",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("webhooks:write")] as const,
  request: { params: IdParam("whk"), body: jsonBody(Body) },
  responses: {
    200: { description: "The endpoint with its new secret", content: { "application/json": { schema: WebhookEndpointWithSecret } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1WebhooksRotateSecret = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { overlap_s } = c.req.valid("json");
    const secret = newWebhookSecret();
    const sealed = await sealWebhookSecret(c.env, secret, id);
    const row = await withChanges(c, async (tx, record) => {
      // Locked: concurrent rotations queue up and each one rotates (they answered 404 when they raced).
      const current = await getWebhookEndpoint(tx, c.var.auth.tenantId, id, { lock: true });
      if (!current) throw notFound("Webhook endpoint");
      const [updated] = await tx
        .update(webhookEndpoints)
        .set({
          secretCiphertext: sealed,
          previousSecretCiphertext: overlap_s > 0 ? current.secretCiphertext : null,
          previousSecretExpiresAt: overlap_s > 0 ? new Date(Date.now() + overlap_s * 1000) : null,
          updatedAt: new Date(),
        })
        .where(eq(webhookEndpoints.id, id))
        .returning();
      await record({ action: "webhook.rotate_secret", targetType: "webhook_endpoint", targetId: id, details: { overlap_s } });
      return updated!;
    });
    return c.json({ ...webhookEndpointBody(row), secret }, 200);
  });
