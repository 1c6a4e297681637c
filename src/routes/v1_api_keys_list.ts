// GET /v1/api-keys: the tenant's API keys (prefix and metadata only, never a secret or hash).
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { App } from "../app";
import { listPage } from "../db/queries/pagination";
import { apiKeys } from "../db/schema";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { ApiKey, apiKeyBody } from "./credential-schemas";
import { errorResponses, PageQuery, pageOf } from "./schemas";

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
    const page = await listPage(
      c.var.db(),
      apiKeys,
      c.var.auth.tenantId,
      { limit: query.limit, startingAfter: query.starting_after },
      eq(apiKeys.kind, "api_key"),
    );
    return c.json({ ...page, data: page.data.map(apiKeyBody) }, 200);
  });
