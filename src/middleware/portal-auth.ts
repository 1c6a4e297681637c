// The customer portal's authentication: `Authorization: Bearer pt_...`, a portal credential made
// by exchanging a one-time link (services/portal.ts). Every failure (missing, malformed, unknown,
// revoked, idle, expired, erased customer) is the same 401, counted toward the per-IP limit of
// failed authentications; the portal's own limits are per IP and per session.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { unauthorized } from "../errors";
import { bearerToken } from "./auth";
import { assertNotBlocked, authFailure, takePortal } from "./rate-limit";

export const portalAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    assertNotBlocked(c);
    await takePortal(c);
    const token = bearerToken(c.req.header("Authorization"));
    const actor = token ? await c.var.services.portal.authenticate(token, new Date()) : undefined;
    if (!actor) throw await authFailure(c, unauthorized());
    await takePortal(c, actor.portal.sessionId);
    c.set("auth", actor);
    await next();
  });

/** The exchange (no credential yet): the per-IP limit, and a blocked IP refused before any lookup. */
export const portalIpRateLimit = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    assertNotBlocked(c);
    await takePortal(c);
    await next();
  });
