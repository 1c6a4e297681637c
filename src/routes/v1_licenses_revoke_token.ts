// POST /v1/licenses/revoke-token: revoke one issued license token by `jti` (or by the token).
// Postgres first (the source of truth introspection reads), then the tenant's KV denylist with a
// TTL of the token's remaining life. Idempotent; another tenant's token is a silent no-op.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { AppError } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { metricEvent } from "../middleware/metrics";
import { errorResponses, Timestamp } from "../wire/common";
import { tokenBody, validBody } from "./requests/token-body";

const Body = tokenBody("RevokeTokenRequest", {}, { jti: true });

const Revoked = z.object({ revoked: z.literal(true), jti: z.string(), expires_at: Timestamp }).openapi("RevokeTokenResponse");

const route = createRoute({
  method: "post",
  path: "/v1/licenses/revoke-token",
  operationId: "revokeLicenseToken",
  tags: ["Tokens (server)"],
  summary: "Revoke one license token",
  description:
    "Needs `tokens:revoke`. Send the token (`token`, or LicenseChain's `license_token`) or its `jti`, as JSON or form encoding. With only a `jti`, the denylist entry lives as long as the longest token tier (24 h). Idempotent.",
  security: [{ bearerAuth: [] }],
  middleware: [metricEvent("token_revoke"), apiKeyAuth(), requirePermission("tokens:revoke")] as const,
  request: {
    body: {
      // Not `required`: with two media types that would run both validators (see introspect).
      required: false,
      content: { "application/json": { schema: Body }, "application/x-www-form-urlencoded": { schema: Body } },
    },
  },
  responses: {
    200: { description: "Revoked (or already revoked)", content: { "application/json": { schema: Revoked } } },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesRevokeToken = (app: App) =>
  app.openapi(route, async (c) => {
    const input = validBody<{ jti?: string; token?: string }>(c);
    if (input.jti === undefined && input.token === undefined) {
      throw new AppError("VALIDATION_FAILED", "The request body is invalid.", { details: [{ path: "jti", message: "Send `jti` or `token`." }] });
    }
    const { jti, expiresAt } = await c.var.services.tokens.revoke(input);
    return c.json({ revoked: true as const, jti, expires_at: expiresAt.toISOString() }, 200);
  });
