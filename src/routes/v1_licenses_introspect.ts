// POST /v1/licenses/introspect (RFC 7662): signature and claims checked locally, then live status
// from one Postgres round trip (caller's key + license + revocation) and the KV denylist.
// Never `active: true` without that live check: an outage answers 503.
import { z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { LICENSE_TOKEN_TYP } from "../contract/tokens";
import { AppError } from "../errors";
import { admitApiKey, assertPermission, bearerKeyHash } from "../middleware/auth";
import { operation, reply } from "../middleware/operation";
import type { Services } from "../services";
import { presentedToken, tokenBody, validBody } from "./requests/token-body";

const Body = tokenBody("IntrospectionRequest", {
  token_type_hint: z.string().max(64).optional().openapi({ description: "Ignored: only license tokens are introspected" }),
});

const Response = z
  .object({
    active: z.boolean(),
    reason: z.string().optional().openapi({ description: "Why inactive; only for the token's own tenant" }),
    status: z.string().optional(),
    token_type: z.string().optional(),
  })
  .catchall(z.unknown())
  .openapi("IntrospectionResponse");

type Introspected = Awaited<ReturnType<Services["tokens"]["introspectionLookup"]>>;

/**
 * Authentication folded into introspection's one query, and run before the body is validated: the
 * token is read leniently (the same field the schema then insists on), checked, and looked up
 * with the caller's key, so an unauthenticated caller gets the 401 whatever it sent.
 */
const introspectionAuth = () =>
  createMiddleware<AppEnv & { Variables: { introspected: Introspected } }>(async (c, next) => {
    // The shared auth helpers take the app's own context; this one only adds `introspected`.
    const base = c as unknown as Context<AppEnv>;
    const keyHash = await bearerKeyHash(base);
    const looked = await c.var.services.tokens.introspectionLookup(keyHash, await presentedToken(base));
    await admitApiKey(base, looked.found?.key);
    assertPermission(base, "tokens:introspect");
    c.set("introspected", looked);
    await next();
  });

export default operation({
  method: "post",
  path: "/v1/licenses/introspect",
  operationId: "introspectLicenseToken",
  audience: "server",
  // Authenticated by introspectionAuth, with the key lookup folded into the operation's one query.
  auth: "custom",
  permission: "tokens:introspect",
  metric: "introspect",
  middleware: [introspectionAuth() as unknown as MiddlewareHandler<AppEnv>],
  tags: ["Tokens (server)"],
  summary: "Introspect a license token (RFC 7662)",
  description:
    "Answers `{ active: true, ...claims, status }` or `{ active: false }`; the token's own tenant also gets `reason` (token_revoked, license_suspended, license_revoked, license_expired, lease_ended, activation_released, expired, invalid_signature, ...). Needs `tokens:introspect`. Takes `token` (RFC 7662) or `license_token` (LicenseChain), as JSON or form encoding.",
  request: {
    bodyContent: {
      // Not `required`: with two media types that would run both validators on every request.
      // Each validator still runs for its own content type; an empty request is refused below.
      required: false,
      content: {
        "application/json": { schema: Body },
        "application/x-www-form-urlencoded": { schema: Body },
      },
    },
  },
  responses: { 200: { description: "Introspection result", schema: Response } },
  errors: ["BAD_REQUEST"],
  handler: async (_, { services, raw, outcome }) => {
    const { token } = validBody<{ token?: string }>(raw);
    if (!token) throw new AppError("VALIDATION_FAILED", "The request body is invalid.", { details: [{ path: "token", message: "Required" }] });
    const { check, found } = (raw as unknown as Context<{ Variables: { introspected: Introspected } }>).var.introspected;
    const answer = await services.tokens.introspect({ check, found: found! });
    outcome(answer.active ? "ACTIVE" : (answer.reason?.toUpperCase() ?? "INACTIVE"));
    if (!answer.active) return reply(200, answer);
    return reply(200, { active: true, ...answer.claims, status: answer.status, token_type: LICENSE_TOKEN_TYP });
  },
});
