// GET /v1/licenses/jwks and /.well-known/jwks.json: the public signing keys. Built from the
// SIGNING_KEYS secret once per isolate; no database or KV access. CDN-cacheable, CORS `*`.
import { z } from "@hono/zod-openapi";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import { getKeyRing } from "../crypto/keys";
import { operation } from "../middleware/operation";

/** Where the key set is served: our path, and the well-known one generic JOSE tooling looks for. */
export const JWKS_PATHS: ReadonlySet<string> = new Set(["/v1/licenses/jwks", "/.well-known/jwks.json"]);

/**
 * Caches may serve the set for 5 minutes and a stale copy 10 minutes more while they refetch:
 * a `next` key must be published at least this long (15 min) before it starts signing.
 */
export const JWKS_CACHE_CONTROL = "public, max-age=300, s-maxage=300, stale-while-revalidate=600";

const Jwk = z
  .object({
    kty: z.string(),
    kid: z.string(),
    alg: z.enum(["RS256", "ES256", "EdDSA"]),
    use: z.literal("sig"),
    n: z.string().optional(),
    e: z.string().optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
  })
  .openapi("Jwk");

const Jwks = z.object({ keys: z.array(Jwk) }).openapi("Jwks");

/** The key set at `path` (ours, or the well-known one): the same document, CORS `*`, cacheable. */
export const jwksOperation = (path: string, operationId: string) =>
  operation({
    method: "get",
    path,
    operationId,
    audience: "document",
    // A 304 keeps the CORS header too, so browsers can revalidate cross-origin.
    middleware: [etag({ retainedHeaders: [...RETAINED_304_HEADERS, "access-control-allow-origin", "access-control-expose-headers"] })],
    tags: ["Keys"],
    summary: "Public license-token signing keys (JWKS)",
    description: "Current, next and retired public keys. Strong `ETag`; `If-None-Match` answers 304.",
    responses: {
      200: { description: "The key set", content: { "application/jwk-set+json": { schema: Jwks } } },
      304: { description: "Not modified" },
    },
    handler: (_, { env }) => getKeyRing(env.SIGNING_KEYS),
    // The ETag is precomputed with the key ring; etag() then only compares If-None-Match
    // (hashing the body on every request cost ~28 us, measured by npm run bench).
    respond: (ring, { raw }) =>
      raw.body(ring.jwksBody, 200, { "Content-Type": "application/jwk-set+json", "Cache-Control": JWKS_CACHE_CONTROL, ETag: ring.jwksEtag }),
  });

export default jwksOperation("/v1/licenses/jwks", "getJwks");
