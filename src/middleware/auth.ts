// Server-route authentication: `Authorization: Bearer sk_...` (API key) or `at_...` (access
// token), looked up by SHA-256 hash.
// Every failure (missing, malformed, unknown, revoked, expired) gets the same 401 body so a
// caller learns nothing about which keys exist; a missing permission is a 403.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import type { Permission } from "../contract/permissions";
import { secretsEqual } from "../crypto/compare";
import { sha256Hex } from "../crypto/hash";
import { BEARER_CREDENTIAL_PATTERN } from "../crypto/random";
import type { CredentialRow } from "../db/repositories/credentials";
import { AppError, unauthorized } from "../errors";
import type { Actor } from "../services";
import { actorOf, credentialUsable } from "../services/credentials";
import { assertNotBlocked, authFailure, enforceTenantLimit } from "./rate-limit";

declare module "hono" {
  interface ContextVariableMap {
    /** The credential acting, once authentication admitted it. */
    auth: Actor;
  }
}

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
  if (!key || !credentialUsable(key, now)) {
    // A known but dead credential still names its tenant: its failures are the tenant's to see.
    if (key) c.var.metric.tenantId = key.tenantId;
    throw await authFailure(c, unauthorized());
  }
  const actor = actorOf(key);
  await enforceTenantLimit(c, actor);
  c.set("auth", actor);
  c.var.services.credentials.touch(key, now);
}

/**
 * @example
 * app.use("/v1/tenant", apiKeyAuth(), requirePermission("tenants:read"));
 */
export const apiKeyAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const keyHash = await bearerKeyHash(c);
    await admitApiKey(c, await c.var.services.credentials.find(keyHash));
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
