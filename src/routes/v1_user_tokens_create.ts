// POST /v1/user-tokens: a user token (UUID, shown once) with directly assigned permissions, to be
// exchanged at POST /v1/auth/token for 24 h access tokens.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { Permissions, UserTokenWithSecret, userTokenBody } from "../wire/credentials";
import { jsonBody } from "./requests/common";

const Body = z.strictObject({ name: z.string().trim().min(1).max(200), permissions: Permissions.min(1) }).openapi("CreateUserTokenRequest");

const route = createRoute({
  method: "post",
  path: "/v1/user-tokens",
  operationId: "createUserToken",
  tags: ["User tokens"],
  summary: "Create a user token",
  description: "With an API key only (an access token gets 403), and with a subset of its permissions.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: "Created; `token` appears only here", content: { "application/json": { schema: UserTokenWithSecret } } },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
  },
});

export const registerV1UserTokensCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const { row, token } = await c.var.services.credentials.createUserToken({ name: input.name, permissions: input.permissions });
    return c.json({ ...userTokenBody(row), token }, 201);
  });
