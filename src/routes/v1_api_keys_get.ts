// GET /v1/api-keys/{id}
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { ApiKey, apiKeyBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/api-keys/{id}",
  operationId: "getApiKey",
  tags: ["API keys"],
  summary: "Get an API key",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:read")] as const,
  request: { params: IdParam("key") },
  responses: {
    200: { description: "The key (no secret)", content: { "application/json": { schema: ApiKey } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1ApiKeysGet = (app: App) =>
  app.openapi(route, async (c) => c.json(apiKeyBody(await c.var.services.credentials.getApiKey(c.req.valid("param").id)), 200));
