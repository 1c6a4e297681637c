// GET /v1/licenses/jwks and /.well-known/jwks.json: the public signing keys. Built from the
// SIGNING_KEYS secret once per isolate; no database or KV access. CDN-cacheable, CORS `*`.
import { createRoute, z } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
// The router's own path reading, so the fast path takes exactly the requests routed here.
import { getPath } from "hono/utils/url";
import type { App } from "../app";
import { getKeyRing } from "../crypto/keys";
import { newId } from "../crypto/random";
import { createLogger, logRequest, logsRequests } from "../logging";
import { belowTlsFloor } from "../middleware/security";

/** Where the key set is served: our path, and the well-known one generic JOSE tooling looks for. */
const JWKS_PATHS = new Set(["/v1/licenses/jwks", "/.well-known/jwks.json"]);

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

const routeFor = (path: string) =>
  createRoute({
    method: "get",
    path,
    operationId: path === "/v1/licenses/jwks" ? "getJwks" : "getWellKnownJwks",
    tags: ["Keys"],
    summary: "Public license-token signing keys (JWKS)",
    description: "Current, next and retired public keys. Strong `ETag`; `If-None-Match` answers 304.",
    // A 304 keeps the CORS header too, so browsers can revalidate cross-origin.
    middleware: [etag({ retainedHeaders: [...RETAINED_304_HEADERS, "access-control-allow-origin", "access-control-expose-headers"] })] as const,
    responses: {
      200: { description: "The key set", content: { "application/jwk-set+json": { schema: Jwks } } },
      304: { description: "Not modified" },
    },
  });

/** Public by nature: any origin may read the keys (preflights included, for `If-None-Match`). */
export const publicCors = () => cors({ origin: "*", allowMethods: ["GET", "HEAD"], allowHeaders: ["If-None-Match"], exposeHeaders: ["ETag"], maxAge: 86400 });

export const registerV1LicensesJwks = (app: App) => {
  for (const path of JWKS_PATHS) {
    app.use(path, publicCors());
    app.openapi(routeFor(path), async (c) => {
      const ring = await getKeyRing(c.env);
      // The ETag is precomputed with the key ring; etag() then only compares If-None-Match
      // (hashing the body on every request cost ~28 us, measured by npm run bench).
      return c.body(ring.jwksBody, 200, {
        "Content-Type": "application/jwk-set+json",
        "Cache-Control": JWKS_CACHE_CONTROL,
        ETag: ring.jwksEtag,
      });
    });
  }
};

// The fast path. The key set is the most requested public document and the same bytes every
// time, yet through the full middleware stack it cost 2.3x a bare workerd "hello" route in CPU
// (npm run bench): Hono dispatch and a dozen response headers set one native call at a time. So a
// plain GET is answered with the headers the full stack produced for the first plain GET in this
// isolate (the middleware stays their one source), a new request id and the same log line.
// Anything else (a conditional GET, a caller's own X-Request-Id, which the full stack logs, HEAD,
// OPTIONS, old TLS) takes the full stack.

function isPlainJwksGet(request: Request): boolean {
  if (!JWKS_PATHS.has(getPath(request)) || request.method !== "GET") return false;
  const headers = request.headers;
  return !headers.has("If-None-Match") && !headers.has("X-Request-Id") && !belowTlsFloor(request);
}

// One Headers per isolate: workerd copies it into each response natively, which cost less CPU and
// varied less under load than building the headers from a JS object (itself ~30% cheaper than an
// array of pairs) every time.
let remembered: { source: string; body: string; headers: Headers; validUntilMs: number } | undefined;

/** Per response, not copied: the request id is new and workerd sets the length itself. */
const PER_RESPONSE = new Set(["x-request-id", "content-length"]);

/** The remembered answer, when it is for this key set and no retired key in it has reached `retire_after`. */
const rememberedFor = (env: Env) => (remembered && remembered.source === env.SIGNING_KEYS && Date.now() < remembered.validUntilMs ? remembered : undefined);

/** After the full stack answered a plain JWKS GET with 200: keep its headers for this key set. */
export async function rememberJwksHeaders(request: Request, env: Env, res: Response): Promise<void> {
  if (res.status !== 200 || rememberedFor(env) || !isPlainJwksGet(request)) return;
  const ring = await getKeyRing(env);
  const headers = new Headers([...res.headers].filter(([name]) => !PER_RESPONSE.has(name)));
  remembered = { source: env.SIGNING_KEYS, body: ring.jwksBody, headers, validUntilMs: ring.validUntilMs };
}

/** The key set without the middleware stack, once the full stack has answered it once. */
export function answerJwksFast(request: Request, env: Env): Response | undefined {
  const answer = rememberedFor(env);
  if (!answer || !isPlainJwksGet(request)) return undefined;
  const id = newId("req");
  if (logsRequests(env.LOG_LEVEL)) {
    logRequest(createLogger({ request_id: id }, env.LOG_LEVEL), { method: "GET", path: getPath(request), status: 200, duration_ms: 0 });
  }
  const res = new Response(answer.body, { status: 200, headers: answer.headers });
  res.headers.set("x-request-id", id);
  return res;
}
