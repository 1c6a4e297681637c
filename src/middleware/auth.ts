// Server-route authentication: `Authorization: Bearer sk_...`, looked up by SHA-256 hash.
// Every failure (missing, malformed, unknown, revoked, expired) gets the same 401 body so a
// caller learns nothing about which keys exist; a missing permission is a 403.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { API_KEY_PATTERN } from "../crypto/random";
import { sha256Hex } from "../crypto/hash";
import { secretsEqual } from "../crypto/compare";
import { findApiKeyByHash, touchApiKey } from "../db/queries/api-keys";
import { AppError, unauthorized } from "../errors";
import type { Permission } from "../services/permissions";
import type { PlanTier } from "../db/schema";

export interface AuthContext {
  tenantId: string;
  planTier: PlanTier;
  /** The credential's id (`key_...`), recorded as the actor of what it changes. */
  keyId: string;
  permissions: readonly Permission[];
}

/** `last_used_at` is refreshed at most this often, so busy keys don't write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * @example
 * app.use("/v1/licenses/introspect", apiKeyAuth(), requirePermission("tokens:introspect"));
 */
export const apiKeyAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const secret = bearerToken(c.req.header("Authorization"));
    if (!secret || !API_KEY_PATTERN.test(secret)) throw unauthorized();
    const key = await findApiKeyByHash(c.var.db(), await sha256Hex(secret));
    const now = Date.now();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) throw unauthorized();
    c.set("auth", {
      tenantId: key.tenantId,
      planTier: key.planTier,
      keyId: key.id,
      permissions: key.permissions,
    });
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      c.var.defer(touchApiKey(c.var.db(), key.id));
    }
    await next();
  });

export const requirePermission = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.auth?.permissions.includes(permission)) {
      throw new AppError("FORBIDDEN", `This credential lacks the "${permission}" permission.`);
    }
    await next();
  });

/** The operator credential (`OPERATOR_TOKEN` secret): creates tenants. Off when unset. */
export const operatorAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header("Authorization"));
    const expected = c.env.OPERATOR_TOKEN;
    if (!token || !expected || !(await secretsEqual(token, expected))) throw unauthorized();
    await next();
  });
