// The JWKS fast path. The key set is the most requested public document and the same bytes every
// time, yet through the full middleware stack it cost 2.3x a bare workerd "hello" route in CPU
// (npm run bench): Hono dispatch and a dozen response headers set one native call at a time. So a
// plain GET is answered with the headers the full stack produced for the first plain GET in this
// isolate (the middleware stays their one source), a new request id and the same log line.
// Anything else (a conditional GET, a caller's own X-Request-Id, which the full stack logs, HEAD,
// OPTIONS, old TLS) takes the full stack. The route itself is v1_licenses_jwks.ts.
// The router's own path reading, so the fast path takes exactly the requests routed there.
import { getPath } from "hono/utils/url";
import { getKeyRing } from "../crypto/keys";
import { newId } from "../crypto/random";
import { createLogger, logRequest, logsRequests } from "../logging";
import { JWKS_PATHS } from "../routes/v1_licenses_jwks";
import { belowTlsFloor } from "./security";

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
  const ring = await getKeyRing(env.SIGNING_KEYS);
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
