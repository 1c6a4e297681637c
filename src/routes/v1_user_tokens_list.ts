// GET /v1/user-tokens: the tenant's user tokens (never the token values).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses, pageOf } from "../wire/common";
import { UserToken, userTokenBody } from "../wire/credentials";
import { PageQuery } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/user-tokens",
  operationId: "listUserTokens",
  tags: ["User tokens"],
  summary: "List user tokens",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:read")] as const,
  request: { query: PageQuery },
  responses: {
    200: { description: "A page of user tokens", content: { "application/json": { schema: pageOf(UserToken).openapi("UserTokenPage") } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1UserTokensList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.credentials.listUserTokens({ limit: query.limit, startingAfter: query.starting_after });
    return c.json({ ...page, data: page.data.map(userTokenBody) }, 200);
  });
