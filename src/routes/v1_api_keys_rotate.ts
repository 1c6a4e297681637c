// POST /v1/api-keys/{id}/rotate: a replacement key (shown once); the old key keeps working for the
// grace period so deployments can switch over, then stops.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { rotateApiKey } from "../services/credentials";
import { IdParam } from "./admin-schemas";
import { ApiKey, ApiKeyWithSecret, apiKeyBody } from "./credential-schemas";
import { errorResponses, jsonBody } from "./schemas";

const Body = z
  .strictObject({
    grace_period_s: z
      .number()
      .int()
      .min(0)
      .max(30 * 86400)
      .default(3600)
      .openapi({ description: "How long the old key keeps working (default 1 h, 0 = stop now)" }),
  })
  .openapi("RotateApiKeyRequest");

const route = createRoute({
  method: "post",
  path: "/v1/api-keys/{id}/rotate",
  operationId: "rotateApiKey",
  tags: ["API keys"],
  summary: "Rotate an API key with an overlap window",
  description: "The caller must hold every permission of the key (403 otherwise). Only a live key that was not rotated yet can be rotated (409).",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { params: IdParam("key"), body: jsonBody(Body) },
  responses: {
    200: {
      description: "The new key (with its secret) and the old key with its new expiry",
      content: { "application/json": { schema: z.object({ key: ApiKeyWithSecret, previous: ApiKey }).openapi("RotateApiKeyResponse") } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1ApiKeysRotate = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const rotated = await withChanges(c, async (tx, record) => {
      const result = await rotateApiKey(tx, c.var.auth, id, c.req.valid("json").grace_period_s);
      await record({
        action: "api_key.rotate",
        targetType: "api_key",
        targetId: id,
        details: { replaced_by: result.fresh.id, old_key_expires_at: result.retired.expiresAt?.toISOString() },
        event: { type: "api_key.created", data: { ...apiKeyBody(result.fresh), rotated_from: id } },
      });
      return result;
    });
    return c.json({ key: { ...apiKeyBody(rotated.fresh), key: rotated.secret }, previous: apiKeyBody(rotated.retired) }, 200);
  });
