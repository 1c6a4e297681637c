// POST /v1/api-keys/{id}/rotate: a replacement key (shown once); the old key keeps working for the
// grace period so deployments can switch over, then stops.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { ApiKey, ApiKeyWithSecret, apiKeyBody } from "../wire/credentials";
import { IdParam, jsonBody } from "./requests/common";

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
    const rotated = await c.var.services.credentials.rotateApiKey(c.req.valid("param").id, c.req.valid("json").grace_period_s);
    return c.json({ key: { ...apiKeyBody(rotated.fresh), key: rotated.secret }, previous: apiKeyBody(rotated.retired) }, 200);
  });
