// Server-route authentication: `Authorization: Bearer sk_...`, looked up by SHA-256 hash.
// Every failure (missing, malformed, unknown, revoked, expired) gets the same 401 body so a
// caller learns nothing about which keys exist; a missing permission is a 403.
import type { Context } from "hono";
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

/** SHA-256 of the bearer API key, or a 401 when the header holds no well-formed key. */
export async function bearerKeyHash(header: string | undefined): Promise<string> {
  const secret = bearerToken(header);
  if (!secret || !API_KEY_PATTERN.test(secret)) throw unauthorized();
  return sha256Hex(secret);
}

export type ApiKeyRow = Awaited<ReturnType<typeof findApiKeyByHash>>;

/**
 * Admits a looked-up key (401 unless it exists, is unrevoked and unexpired), puts its tenant and
 * permissions on the context, and refreshes `last_used_at` after the response.
 * Routes that fold the key lookup into their own single query call this directly.
 */
export function admitApiKey(c: Context<AppEnv>, key: ApiKeyRow): void {
  const now = Date.now();
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) throw unauthorized();
  c.set("auth", { tenantId: key.tenantId, planTier: key.planTier, keyId: key.id, permissions: key.permissions });
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    c.var.defer(touchApiKey(c.var.db(), key.id));
  }
}

/**
 * @example
 * app.use("/v1/tenant", apiKeyAuth(), requirePermission("tenants:read"));
 */
export const apiKeyAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const keyHash = await bearerKeyHash(c.req.header("Authorization"));
    admitApiKey(c, await findApiKeyByHash(c.var.db(), keyHash));
    await next();
  });

/** Throws 403 unless the admitted credential holds `permission`. */
export function assertPermission(c: Context<AppEnv>, permission: Permission): void {
  if (!c.var.auth?.permissions.includes(permission)) {
    throw new AppError("FORBIDDEN", `This credential lacks the "${permission}" permission.`);
  }
}

export const requirePermission = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    assertPermission(c, permission);
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
