// GET /.well-known/license-configuration: discovery for verifiers and clients (in the spirit of
// RFC 8414 authorization server metadata).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { issuerOf, jwksUriOf, tokenUseOf } from "../config";
import { LICENSE_TOKEN_TYP, TOKEN_LIFETIME_S } from "../contract/tokens";
import { getKeyRing } from "../crypto/keys";
import { publicCors } from "../middleware/security";

const Configuration = z
  .object({
    issuer: z.string(),
    jwks_uri: z.string(),
    token_use: z.string(),
    token_type: z.literal(LICENSE_TOKEN_TYP),
    token_signing_alg_values_supported: z.array(z.string()),
    token_lifetimes_s: z.object({ basic: z.number(), advanced: z.number(), custom: z.number() }),
    validate_endpoint: z.string(),
    verify_endpoint: z.string(),
    validate_hardware_endpoint: z.string(),
    introspection_endpoint: z.string(),
    revocation_endpoint: z.string(),
  })
  .openapi("LicenseConfiguration");

const route = createRoute({
  method: "get",
  path: "/.well-known/license-configuration",
  operationId: "getLicenseConfiguration",
  tags: ["Keys"],
  summary: "Discovery document",
  responses: {
    200: { description: "Issuer, key set, token format and endpoints", content: { "application/json": { schema: Configuration } } },
  },
});

export const registerWellKnownLicenseConfiguration = (app: App) => {
  app.use(route.path, publicCors());
  return app.openapi(route, async (c) => {
    const issuer = issuerOf(c.env);
    const ring = await getKeyRing(c.env.SIGNING_KEYS);
    c.header("Cache-Control", "public, max-age=300, s-maxage=300");
    return c.json(
      {
        issuer,
        jwks_uri: jwksUriOf(issuer),
        token_use: tokenUseOf(c.env),
        token_type: LICENSE_TOKEN_TYP,
        token_signing_alg_values_supported: ring.algorithms,
        token_lifetimes_s: TOKEN_LIFETIME_S,
        validate_endpoint: `${issuer}/v1/licenses/validate`,
        verify_endpoint: `${issuer}/v1/licenses/verify`,
        validate_hardware_endpoint: `${issuer}/v1/licenses/validate-hardware`,
        introspection_endpoint: `${issuer}/v1/licenses/introspect`,
        revocation_endpoint: `${issuer}/v1/licenses/revoke-token`,
      },
      200,
    );
  });
};
