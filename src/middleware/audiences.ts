// Who calls an operation decides what runs before its handler, in one place. An operation declares
// its audience (src/middleware/operation.ts); this module turns that into its middleware stack,
// its database budget, and the error codes every operation of the audience can answer.
//
//   device    installed apps with a license key: CORS from CORS_ORIGINS, per-IP and per-key rate
//             limits, the public database budget (they give up first)
//   server    seller backends with an API key on the hot paths (introspect, revoke-token): the
//             public budget too
//   admin     seller backends and the console with an API key or access token: authentication,
//             then the permission, then the tenant's tier limits; the admin budget
//   operator  the deployment's OPERATOR_TOKEN
//   document  public, cacheable, credential-free reads (JWKS, discovery, status lists, the API
//             document): CORS `*`
//   health    liveness and readiness: nothing
//   provider  payment providers' webhooks (billing connectors): the handler verifies the
//             provider's signature itself; per-IP rate limit, no CORS, the admin budget (a
//             purchase must be applied, not dropped under load)
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app";
import type { MetricEvent } from "../contract/metrics";
import type { Permission } from "../contract/permissions";
import type { DbBudget } from "../db/client";
import type { ErrorCode } from "../errors";
import { apiKeyAuth, operatorAuth, requirePermission } from "./auth";
import { metricEvent } from "./metrics";
import { portalAuth, portalIpRateLimit } from "./portal-auth";
import { publicIpRateLimit, publicRateLimit } from "./rate-limit";
import { deviceCors, publicCors } from "./security";

export const AUDIENCES = ["device", "server", "admin", "operator", "document", "health", "portal", "provider"] as const;
export type Audience = (typeof AUDIENCES)[number];

/** What an operation says about itself that its stack is built from. */
export interface Placement {
  /** Names the activity events the operation records. */
  operationId?: string;
  audience: Audience;
  /** Required permissions (admin, server and portal audiences): each checked after authentication, before the body. */
  permission?: Permission | readonly Permission[];
  /** The usage metric it records (services name the tenant and license as they learn them). */
  metric?: MetricEvent;
  /**
   * `custom`: the operation checks the bearer credential itself (introspection folds the key lookup
   * into its one query); `body`: the credential is in the body (exchanging a user token). Either
   * way the audience adds no authentication of its own.
   */
  auth?: "custom" | "body";
  /** Extra middleware after the audience's, before the handler (e.g. an ETag, or custom auth). */
  middleware?: readonly MiddlewareHandler<AppEnv>[];
  /** Document reads that may reach Postgres (a made-up status-list id): rate-limited per IP. */
  ipLimited?: boolean;
}

/** The database budget of each audience (db/client.ts DB_BUDGET_MS): apps and hot server paths give up first. */
export const BUDGETS: Record<Audience, DbBudget> = {
  device: "public",
  server: "public",
  admin: "admin",
  operator: "admin",
  document: "public",
  health: "admin",
  portal: "admin",
  provider: "admin",
};

/** Codes every operation of an audience may answer besides its own: malformed input, limits, outages. */
const REQUEST_ERRORS: readonly ErrorCode[] = ["INVALID_JSON", "VALIDATION_FAILED", "UNSUPPORTED_MEDIA_TYPE", "PAYLOAD_TOO_LARGE"];
const OUTAGE: readonly ErrorCode[] = ["SERVICE_UNAVAILABLE"];
const AUTHENTICATED: readonly ErrorCode[] = ["UNAUTHORIZED", "FORBIDDEN", "RATE_LIMITED"];

export const AUDIENCE_ERRORS: Record<Audience, readonly ErrorCode[]> = {
  device: [...REQUEST_ERRORS, "RATE_LIMITED", ...OUTAGE],
  server: [...REQUEST_ERRORS, ...AUTHENTICATED, ...OUTAGE],
  admin: [...REQUEST_ERRORS, ...AUTHENTICATED, ...OUTAGE],
  operator: [...REQUEST_ERRORS, "UNAUTHORIZED", "RATE_LIMITED", ...OUTAGE],
  document: ["VALIDATION_FAILED", "RATE_LIMITED", ...OUTAGE],
  health: OUTAGE,
  portal: [...REQUEST_ERRORS, "UNAUTHORIZED", "RATE_LIMITED", ...OUTAGE],
  provider: [...REQUEST_ERRORS, "RATE_LIMITED", ...OUTAGE],
};

const permissionsOf = (p: Placement["permission"]): readonly Permission[] => (p === undefined ? [] : typeof p === "string" ? [p] : p);

/**
 * What runs for every method on the operation's path, preflights included: CORS. Mounted with
 * `app.use(path)`, as a browser's OPTIONS request matches no operation's own method.
 */
export function pathMiddlewareFor(audience: Audience): MiddlewareHandler<AppEnv> | undefined {
  if (audience === "device") return deviceCors();
  if (audience === "document") return publicCors();
  return undefined;
}

/** Sets the request's database budget before any service touches the database (middleware/scope.ts reads it). */
const budget =
  (value: DbBudget): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set("budget", value);
    await next();
  };

/**
 * The middleware an operation runs before its handler, in order. Authentication and the
 * permission always come before anything reads the body, so an unauthenticated caller learns
 * nothing about a route's schema.
 */
export function stackFor(placement: Placement): MiddlewareHandler<AppEnv>[] {
  const stack: MiddlewareHandler<AppEnv>[] = [];
  if (BUDGETS[placement.audience] !== "admin") stack.push(budget(BUDGETS[placement.audience]));
  if (placement.metric) stack.push(metricEvent(placement.metric, placement.operationId));
  switch (placement.audience) {
    case "device":
      stack.push(publicRateLimit());
      break;
    case "server":
    case "admin":
      if (placement.auth === undefined) stack.push(apiKeyAuth(), ...permissionsOf(placement.permission).map(requirePermission));
      break;
    case "operator":
      stack.push(operatorAuth());
      break;
    case "document":
      if (placement.ipLimited) stack.push(publicIpRateLimit());
      break;
    case "health":
      break;
    case "provider":
      stack.push(publicIpRateLimit());
      break;
    case "portal":
      // A customer admin's session holds more than a member's (contract/portal.ts).
      if (placement.auth === undefined) stack.push(portalAuth(), ...permissionsOf(placement.permission).map(requirePermission));
      else stack.push(portalIpRateLimit());
      break;
  }
  stack.push(...(placement.middleware ?? []));
  return stack;
}

/** Whether the operation takes a bearer credential (its OpenAPI entry then carries `security`). */
export const authenticated = (placement: Placement) =>
  placement.auth !== "body" && (placement.audience === "server" || placement.audience === "admin" || placement.audience === "operator");
