// POST /v1/licenses/revoke-token: revoke one issued license token by `jti` (or by the token).
// Postgres first (the source of truth introspection reads), then the tenant's KV denylist with a
// TTL of the token's remaining life. Idempotent; another tenant's token is a silent no-op.
import { z } from "@hono/zod-openapi";
import { AppError } from "../errors";
import { operation, reply } from "../middleware/operation";
import { Timestamp } from "../wire/common";
import { tokenBody, validBody } from "./requests/token-body";

const Body = tokenBody("RevokeTokenRequest", {}, { jti: true });

const Revoked = z.object({ revoked: z.literal(true), jti: z.string(), expires_at: Timestamp }).openapi("RevokeTokenResponse");

export default operation({
  method: "post",
  path: "/v1/licenses/revoke-token",
  operationId: "revokeLicenseToken",
  audience: "server",
  permission: "tokens:revoke",
  metric: "token_revoke",
  tags: ["Tokens (server)"],
  summary: "Revoke one license token",
  description:
    "Needs `tokens:revoke`. Send the token (`token`, or LicenseChain's `license_token`) or its `jti`, as JSON or form encoding. With only a `jti`, the denylist entry lives as long as the longest token tier (24 h). Idempotent.",
  request: {
    bodyContent: {
      // Not `required`: with two media types that would run both validators (see introspect).
      required: false,
      content: { "application/json": { schema: Body }, "application/x-www-form-urlencoded": { schema: Body } },
    },
  },
  responses: { 200: { description: "Revoked (or already revoked)", schema: Revoked } },
  errors: ["BAD_REQUEST"],
  handler: async (_, { services, raw }) => {
    const input = validBody<{ jti?: string; token?: string }>(raw);
    if (input.jti === undefined && input.token === undefined) {
      throw new AppError("VALIDATION_FAILED", "The request body is invalid.", { details: [{ path: "jti", message: "Send `jti` or `token`." }] });
    }
    const { jti, expiresAt } = await services.tokens.revoke(input);
    return reply(200, { revoked: true as const, jti, expires_at: expiresAt.toISOString() });
  },
});
