// POST /v1/webhooks/{id}/rotate-secret: a new signing secret (shown once). For the overlap window
// every delivery carries two signatures, old and new (Standard Webhooks allows several), so
// receivers can switch secrets without dropping events.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { WebhookEndpointWithSecret, webhookEndpointBody } from "../wire/webhooks";
import { IdParam, jsonBody } from "./requests/common";

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
    const { row, secret } = await c.var.services.webhooks.rotateSecret(c.req.valid("param").id, c.req.valid("json").overlap_s);
    return c.json({ ...webhookEndpointBody(row), secret }, 200);
  });
