// GET /.well-known/license-configuration: discovery for verifiers and clients (in the spirit of
// RFC 8414 authorization server metadata).
import { z } from "@hono/zod-openapi";
import { issuerOf, jwksUriOf, tokenUseOf } from "../config";
import { LICENSE_TOKEN_TYP, TOKEN_LIFETIME_S } from "../contract/tokens";
import { DPOP_ALGS } from "../crypto/dpop";
import { getKeyRing } from "../crypto/keys";
import { operation, reply } from "../middleware/operation";

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
    dpop_signing_alg_values_supported: z
      .array(z.string())
      .openapi({ description: "Device keys (RFC 9449 section 5.1): the `alg`s a `DPoP` proof may use on the device routes" }),
  })
  .openapi("LicenseConfiguration");

export default operation({
  method: "get",
  path: "/.well-known/license-configuration",
  operationId: "getLicenseConfiguration",
  audience: "document",
  tags: ["Keys"],
  summary: "Discovery document",
  responses: { 200: { description: "Issuer, key set, token format and endpoints", schema: Configuration } },
  handler: async (_, { env }) => {
    const issuer = issuerOf(env);
    const ring = await getKeyRing(env.SIGNING_KEYS);
    return reply(
      200,
      {
        issuer,
        jwks_uri: jwksUriOf(issuer),
        token_use: tokenUseOf(env),
        token_type: LICENSE_TOKEN_TYP,
        token_signing_alg_values_supported: ring.algorithms,
        token_lifetimes_s: TOKEN_LIFETIME_S,
        validate_endpoint: `${issuer}/v1/licenses/validate`,
        verify_endpoint: `${issuer}/v1/licenses/verify`,
        validate_hardware_endpoint: `${issuer}/v1/licenses/validate-hardware`,
        introspection_endpoint: `${issuer}/v1/licenses/introspect`,
        revocation_endpoint: `${issuer}/v1/licenses/revoke-token`,
        dpop_signing_alg_values_supported: [...DPOP_ALGS],
      },
      { "Cache-Control": "public, max-age=300, s-maxage=300" },
    );
  },
});
