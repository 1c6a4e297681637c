// Server-route authentication: `Authorization: Bearer sk_...` (API key) or `at_...` (access
// token), looked up by SHA-256 hash.
// Every failure (missing, malformed, unknown, revoked, expired) gets the same 401 body so a
// caller learns nothing about which keys exist; a missing permission is a 403.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import type { Permission } from "../contract/permissions";
import type { PlanTier } from "../contract/tokens";
import { secretsEqual } from "../crypto/compare";
import { sha256Hex } from "../crypto/hash";
import { BEARER_CREDENTIAL_PATTERN } from "../crypto/random";
import { type CredentialRow, credentialUsable, findApiKeyByHash, touchApiKey } from "../db/queries/api-keys";
import { AppError, unauthorized } from "../errors";
import { assertNotBlocked, authFailure, enforceTenantLimit } from "./rate-limit";

export interface AuthContext {
  tenantId: string;
  planTier: PlanTier;
  /** The credential's id (`key_...`), recorded as the actor of what it changes. */
  keyId: string;
  permissions: readonly Permission[];
  /**
   * Set for access tokens: what they create or extend may not outlive them (services/credentials.ts).
   */
  accessToken?: { expiresAt: Date; userTokenId: string; userTokenGeneration: number };
}

/** `last_used_at` is refreshed at most this often, so busy keys don't write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * SHA-256 of the bearer API key. Refuses (429) an IP out of failed authentications and (401, counted
 * as a failure) a header without a well-formed key, both before any database work.
 */
export async function bearerKeyHash(c: Context<AppEnv>): Promise<string> {
  assertNotBlocked(c);
  const secret = bearerToken(c.req.header("Authorization"));
  if (!secret || !BEARER_CREDENTIAL_PATTERN.test(secret)) throw await authFailure(c, unauthorized());
  return sha256Hex(secret);
}

/**
 * Admits a looked-up key (401 unless it exists, is unrevoked and unexpired), puts its tenant and
 * permissions on the context, and refreshes `last_used_at` after the response.
 * Routes that fold the key lookup into their own single query call this directly.
 */
export async function admitApiKey(c: Context<AppEnv>, key: CredentialRow | undefined): Promise<void> {
  const now = Date.now();
  if (!key || !credentialUsable(key, now)) throw await authFailure(c, unauthorized());
  const auth: AuthContext = { tenantId: key.tenantId, planTier: key.planTier, keyId: key.id, permissions: key.permissions };
  if (key.kind === "access_token") {
    auth.accessToken = { expiresAt: key.expiresAt!, userTokenId: key.userTokenId!, userTokenGeneration: key.userTokenGeneration! };
  }
  await enforceTenantLimit(c, auth);
  c.set("auth", auth);
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
    const keyHash = await bearerKeyHash(c);
    await admitApiKey(c, await findApiKeyByHash(c.var.rows(), keyHash));
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
    assertNotBlocked(c);
    const token = bearerToken(c.req.header("Authorization"));
    const expected = c.env.OPERATOR_TOKEN;
    if (!token || !expected || !(await secretsEqual(token, expected))) throw await authFailure(c, unauthorized());
    await next();
  });
