// POST /v1/user-tokens/{id}/revoke: the user token and all its access tokens stop working.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { UserToken, userTokenBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

const route = createRoute({
  method: "post",
  path: "/v1/user-tokens/{id}/revoke",
  operationId: "revokeUserToken",
  tags: ["User tokens"],
  summary: "Revoke a user token and its access tokens",
  description:
    "The caller must hold every permission of the user token (403 otherwise). Its access tokens, and the keys created through them, stop at once. Revoking twice keeps the first `revoked_at`.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { params: IdParam("usr") },
  responses: {
    200: { description: "Revoked (or already revoked)", content: { "application/json": { schema: UserToken } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1UserTokensRevoke = (app: App) =>
  app.openapi(route, async (c) => c.json(userTokenBody(await c.var.services.credentials.revokeUserToken(c.req.valid("param").id)), 200));
