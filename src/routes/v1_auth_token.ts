// POST /v1/auth/token: exchange a user token for a 24 h access token (`at_`), usable as
// `Authorization: Bearer` wherever an API key is, with the user token's permissions.
import { z } from "@hono/zod-openapi";
import { unauthorized } from "../errors";
import { operation, reply } from "../middleware/operation";
import { assertNotBlocked, authFailure } from "../middleware/rate-limit";
import { ACCESS_TOKEN_TTL_S } from "../services/credentials";
import { Timestamp } from "../wire/common";
import { Permissions } from "../wire/credentials";

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default operation({
  method: "post",
  path: "/v1/auth/token",
  operationId: "exchangeUserToken",
  // The credential is the body's user token; failed attempts count toward the per-IP limit.
  audience: "admin",
  auth: "body",
  tags: ["User tokens"],
  summary: "Exchange a user token for an access token",
  description: "401 for an unknown, refreshed-away or revoked user token (failed attempts count toward the per-IP limit).",
  request: { body: Body },
  responses: { 200: { description: "A 24 h access token", schema: Issued } },
  handler: async ({ body }, { services, raw }) => {
    assertNotBlocked(raw);
    const issued = UUID.test(body.user_token) ? await services.credentials.exchangeUserToken(body.user_token.toLowerCase()) : undefined;
    if (!issued) throw await authFailure(raw, unauthorized());
    return reply(
      200,
      {
        access_token: issued.secret,
        token_type: "Bearer" as const,
        expires_in: ACCESS_TOKEN_TTL_S,
        expires_at: issued.row.expiresAt!.toISOString(),
        permissions: issued.row.permissions as z.infer<typeof Permissions>,
      },
      { "Cache-Control": "no-store" },
    );
  },
});
