// POST /v1/auth/token: exchange a user token for a 24 h access token (`at_`), usable as
// `Authorization: Bearer` wherever an API key is, with the user token's permissions.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { unauthorized } from "../errors";
import { assertNotBlocked, authFailure } from "../middleware/rate-limit";
import { ACCESS_TOKEN_TTL_S } from "../services/credentials";
import { errorResponses, Timestamp } from "../wire/common";
import { Permissions } from "../wire/credentials";
import { jsonBody } from "./requests/common";

const Body = z.strictObject({ user_token: z.string().min(1).max(64) }).openapi("AccessTokenRequest");

const Issued = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    expires_at: Timestamp,
    permissions: Permissions,
  })
  .openapi("AccessTokenResponse");

const route = createRoute({
  method: "post",
  path: "/v1/auth/token",
  operationId: "exchangeUserToken",
  tags: ["User tokens"],
  summary: "Exchange a user token for an access token",
  description: "401 for an unknown, refreshed-away or revoked user token (failed attempts count toward the per-IP limit).",
  request: { body: jsonBody(Body) },
  responses: {
    200: { description: "A 24 h access token", content: { "application/json": { schema: Issued } } },
    ...errorResponses(400, 401, 413, 415, 422, 429, 503),
  },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const registerV1AuthToken = (app: App) =>
  app.openapi(route, async (c) => {
    assertNotBlocked(c);
    const { user_token } = c.req.valid("json");
    const issued = UUID.test(user_token) ? await c.var.services.credentials.exchangeUserToken(user_token.toLowerCase()) : undefined;
    if (!issued) throw await authFailure(c, unauthorized());
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        access_token: issued.secret,
        token_type: "Bearer" as const,
        expires_in: ACCESS_TOKEN_TTL_S,
        expires_at: issued.row.expiresAt!.toISOString(),
        permissions: issued.row.permissions as z.infer<typeof Permissions>,
      },
      200,
    );
  });
