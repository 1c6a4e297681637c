// POST /v1/licenses/revoke-token: revoke one issued license token by `jti` (or by the token).
// Postgres first (the source of truth introspection reads), then the tenant's KV denylist with a
// TTL of the token's remaining life. Idempotent; another tenant's token is a silent no-op.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { issuerOf, tokenUseOf } from "../config";
import { MAX_TOKEN_LIFETIME_S } from "../contract/tokens";
import { getKeyRing } from "../crypto/keys";
import { licenseBelongsTo, recordRevocation } from "../db/queries/revoked-tokens";
import { AppError } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { cacheRevocation } from "../services/revocations";
import { checkToken } from "../services/token-verification";
import { errorResponses, Timestamp } from "./schemas";
import { tokenBody, validBody } from "./token-body";

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
  middleware: [apiKeyAuth(), requirePermission("tokens:revoke")] as const,
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
    const tenantId = c.var.auth.tenantId;
    let jti = input.jti;
    let licenseId: string | null = null;
    let expiresAt = new Date(Date.now() + MAX_TOKEN_LIFETIME_S * 1000);

    if (input.token !== undefined) {
      const check = await checkToken(await getKeyRing(c.env), input.token, {
        issuer: issuerOf(c.env),
        tokenUse: tokenUseOf(c.env),
      });
      if (!check.ok) {
        if (check.code === "ERR_TOKEN_EXPIRED" && check.unverified.jti) {
          // Already dead: nothing to record, and the answer stays the same as for a live token.
          return c.json({ revoked: true as const, jti: check.unverified.jti, expires_at: new Date().toISOString() }, 200);
        }
        throw new AppError("BAD_REQUEST", "`token` is not a valid license token of this service.");
      }
      jti = check.claims.jti;
      expiresAt = new Date(check.claims.exp * 1000);
      // Another tenant's token: answer alike, record nothing anywhere it could matter.
      if (!(await licenseBelongsTo(c.var.db(), check.claims.sub, tenantId))) {
        return c.json({ revoked: true as const, jti, expires_at: expiresAt.toISOString() }, 200);
      }
      licenseId = check.claims.sub;
    }

    await withChanges(c, async (tx, record) => {
      if (await recordRevocation(tx, { tenantId, jti: jti!, licenseId, expiresAt, revokedBy: c.var.auth.keyId })) {
        await record({
          action: "token.revoke",
          targetType: "license_token",
          targetId: jti!,
          details: { license_id: licenseId },
          event: { type: "token.revoked", data: { jti, license_id: licenseId, expires_at: expiresAt.toISOString() } },
        });
      }
    });
    c.var.defer(cacheRevocation(c.env.REVOCATIONS, tenantId, jti!, expiresAt));
    return c.json({ revoked: true as const, jti: jti!, expires_at: expiresAt.toISOString() }, 200);
  });
