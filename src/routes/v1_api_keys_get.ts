// GET /v1/api-keys/{id}
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { getApiKey } from "../db/queries/admin";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { IdParam } from "./admin-schemas";
import { ApiKey, apiKeyBody } from "./credential-schemas";
import { errorResponses } from "./schemas";

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
  app.openapi(route, async (c) => {
    const row = await getApiKey(c.var.db(), c.var.auth.tenantId, c.req.valid("param").id);
    if (!row) throw notFound("API key");
    return c.json(apiKeyBody(row), 200);
  });
