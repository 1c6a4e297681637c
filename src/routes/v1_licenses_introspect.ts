// POST /v1/licenses/introspect (RFC 7662): signature and claims checked locally, then live status
// from one Postgres round trip (caller's key + license + revocation) and the KV denylist.
// Never `active: true` without that live check: an outage answers 503.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { admitApiKey, assertPermission, bearerKeyHash } from "../middleware/auth";
import { getKeyRing } from "../crypto/keys";
import { issuerOf, tokenUseOf } from "../config";
import { introspectionLookup } from "../db/queries/introspection";
import { isRevokedInKv } from "../services/revocations";
import { checkToken, TOKEN_FAILURE_REASON } from "../services/token-verification";
import { AppError, unavailable } from "../errors";
import { LICENSE_TOKEN_TYP, MAX_TOKEN_BYTES } from "../sdk/verify";
import { errorResponses } from "./schemas";

const Body = z
  .strictObject({
    token: z.string().min(1).max(MAX_TOKEN_BYTES * 2),
    token_type_hint: z.string().max(64).optional(),
  })
  .openapi("IntrospectionRequest");

const Response = z
  .object({
    active: z.boolean(),
    reason: z.string().optional().openapi({ description: "Why inactive; only for the token's own tenant" }),
    status: z.string().optional(),
    token_type: z.string().optional(),
  })
  .catchall(z.unknown())
  .openapi("IntrospectionResponse");

const route = createRoute({
  method: "post",
  path: "/v1/licenses/introspect",
  tags: ["Tokens (server)"],
  summary: "Introspect a license token (RFC 7662)",
  description:
    "Answers `{ active: true, ...claims, status }` or `{ active: false }`; the token's own tenant also gets `reason` (token_revoked, license_suspended, license_revoked, license_expired, expired, invalid_signature, ...). Needs `tokens:introspect`. Accepts JSON or form encoding.",
  security: [{ bearerAuth: [] }],
  request: {
    body: {
      // Not `required`: with two media types that would run both validators on every request.
      // Each validator still runs for its own content type; an empty request is refused below.
      required: false,
      content: {
        "application/json": { schema: Body },
        "application/x-www-form-urlencoded": { schema: Body },
      },
    },
  },
  responses: {
    200: { description: "Introspection result", content: { "application/json": { schema: Response } } },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesIntrospect = (app: App) =>
  app.openapi(route, async (c) => {
    const keyHash = await bearerKeyHash(c);
    const isForm = (c.req.header("Content-Type") ?? "").includes("x-www-form-urlencoded");
    const { token } = (isForm ? c.req.valid("form") : c.req.valid("json")) as { token?: string };
    if (!token) throw new AppError("VALIDATION_FAILED", "The request body is invalid.", { details: [{ path: "token", message: "Required" }] });
    const ring = await getKeyRing(c.env);
    const check = await checkToken(ring, token, { issuer: issuerOf(c), tokenUse: tokenUseOf(c.env) });
    const ids = check.ok ? { sub: check.claims.sub, jti: check.claims.jti } : check.unverified;

    const found = await introspectionLookup(c.var.rows(), { keyHash, licenseId: ids.sub ?? "", jti: ids.jti ?? "" });
    await admitApiKey(c, found?.key);
    assertPermission(c, "tokens:introspect");
    const { license, tokenRevoked } = found!;

    // A license of another tenant never joins: that caller learns nothing beyond `active: false`.
    const inactive = (reason: string) => c.json(license ? { active: false, reason } : { active: false }, 200);
    if (!check.ok) return inactive(TOKEN_FAILURE_REASON[check.code]);
    if (!license) return c.json({ active: false }, 200);
    if (tokenRevoked) return inactive("token_revoked");
    if (license.status === "suspended") return inactive("license_suspended");
    if (license.status === "revoked") return inactive("license_revoked");
    if (license.expiresAt && license.expiresAt.getTime() <= Date.now()) return inactive("license_expired");

    let revokedAtEdge: boolean;
    try {
      revokedAtEdge = await isRevokedInKv(c.env.REVOCATIONS, c.var.auth.tenantId, check.claims.jti);
    } catch (err) {
      throw unavailable(err);
    }
    if (revokedAtEdge) return inactive("token_revoked");
    return c.json({ active: true, ...check.claims, status: license.status, token_type: LICENSE_TOKEN_TYP }, 200);
  });
