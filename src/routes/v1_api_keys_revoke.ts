// POST /v1/api-keys/{id}/revoke: the key stops working on its next request. Idempotent.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { ApiKey, apiKeyBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

const route = createRoute({
  method: "post",
  path: "/v1/api-keys/{id}/revoke",
  operationId: "revokeApiKey",
  tags: ["API keys"],
  summary: "Revoke an API key",
  description: "The caller must hold every permission of the key (403 otherwise). Revoking twice keeps the first `revoked_at`.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { params: IdParam("key") },
  responses: {
    200: { description: "Revoked (or already revoked)", content: { "application/json": { schema: ApiKey } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1ApiKeysRevoke = (app: App) =>
  app.openapi(route, async (c) => c.json(apiKeyBody(await c.var.services.credentials.revokeApiKey(c.req.valid("param").id)), 200));
