// POST /v1/user-tokens/{id}/refresh: a new token value and generation. The old value stops
// working, and so does every access token issued from it.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { refreshUserToken } from "../services/credentials";
import { IdParam } from "./admin-schemas";
import { UserTokenWithSecret, userTokenBody } from "./credential-schemas";
import { errorResponses } from "./schemas";

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
    const { id } = c.req.valid("param");
    const refreshed = await withChanges(c, async (tx, record) => {
      const result = await refreshUserToken(tx, c.var.auth, id);
      await record({ action: "user_token.refresh", targetType: "user_token", targetId: id, details: { generation: result.row.generation } });
      return result;
    });
    return c.json({ ...userTokenBody(refreshed.row), token: refreshed.token }, 200);
  });
