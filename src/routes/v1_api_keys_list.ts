// GET /v1/api-keys: the tenant's API keys (prefix and metadata only, never a secret or hash).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses, pageOf } from "../wire/common";
import { ApiKey, apiKeyBody } from "../wire/credentials";
import { PageQuery } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  tags: ["API keys"],
  summary: "List API keys",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:read")] as const,
  request: { query: PageQuery },
  responses: {
    200: { description: "A page of API keys", content: { "application/json": { schema: pageOf(ApiKey).openapi("ApiKeyPage") } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1ApiKeysList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.credentials.listApiKeys({ limit: query.limit, startingAfter: query.starting_after });
    return c.json({ ...page, data: page.data.map(apiKeyBody) }, 200);
  });
