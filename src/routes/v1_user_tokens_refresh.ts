// POST /v1/user-tokens/{id}/refresh: a new token value and generation. The old value stops
// working, and so does every access token issued from it.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { UserTokenWithSecret, userTokenBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

const route = createRoute({
  method: "post",
  path: "/v1/user-tokens/{id}/refresh",
  operationId: "refreshUserToken",
  tags: ["User tokens"],
  summary: "Refresh a user token (invalidates its access tokens)",
  description: "With an API key holding every permission of the user token. A revoked user token stays revoked (409).",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { params: IdParam("usr") },
  responses: {
    200: { description: "The new token value, shown once", content: { "application/json": { schema: UserTokenWithSecret } } },
    ...errorResponses(401, 403, 404, 409, 422, 429, 503),
  },
});

export const registerV1UserTokensRefresh = (app: App) =>
  app.openapi(route, async (c) => {
    const refreshed = await c.var.services.credentials.refreshUserToken(c.req.valid("param").id);
    return c.json({ ...userTokenBody(refreshed.row), token: refreshed.token }, 200);
  });
