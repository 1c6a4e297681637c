// The device fast path. Installed apps call validate, verify, activate and the lease routes
// thousands of times a second, and through Hono each request ran a dozen middleware, each an
// async frame with its own context reads and header copies: the bench put validate at 1.3-1.5x
// its lookup floor with a flat profile. So a request to a `device` operation that needs nothing
// unusual is served here, from the operation's own declaration: the same limits, schema, handler
// and error envelope as the full stack, with the headers precomputed, the body read and parsed
// once (to the same 16 KB limit), and one JSON serialisation. Anything else (a browser's Origin
// when CORS is configured, another media type, TLS below 1.2) returns undefined and takes the full stack, which stays the reference: test/operations/device-path.test.ts
// checks both paths give the same answer for every device operation.
import { getPath } from "hono/utils/url";
import { newId } from "../crypto/random";
import { AppError } from "../errors";
import { createLogger, type Logger, logRequest } from "../logging";
import { BUDGETS } from "./audiences";
import { errorAnswer, type Failing, invalidInput, judgeFailure } from "./errors";
import { activityDraft, type MetricContext, metricPoint, observeBody, observeError } from "./metrics";
import { honoPath, type Input, type Operation, type OperationContext, type Reply, type RequestSpec } from "./operation";
import { takePublic } from "./rate-limit";
import { openScope } from "./scope";
import { API_HEADERS, belowTlsFloor, DEVICE_EXPOSE_HEADERS, MAX_BODY_BYTES, readBounded } from "./security";

/** Exactly the media types the full stack's JSON validator takes without question. */
const JSON_MEDIA_TYPE = /^application\/json(;\s*charset=utf-8)?$/i;

/** Headers every fast answer carries, built once per isolate; workerd copies them natively. */
const BASE_HEADERS = new Headers([...API_HEADERS, ["Cache-Control", "no-store"], ["Content-Type", "application/json"]]);

interface Route {
  op: Operation;
  /** For paths with parameters: the pattern and the parameter names, in order. */
  pattern?: RegExp;
  names?: string[];
}

/** Whether the operation can be served here: a device operation with a JSON body and no middleware of its own. */
const servable = (op: Operation) => op.audience === "device" && !op.middleware && !op.request?.bodyContent && op.request?.query === undefined;

function routesOf(operations: readonly Operation[]) {
  const exact = new Map<string, Route>();
  const patterned: (Route & { method: string })[] = [];
  for (const op of operations.filter(servable)) {
    const method = op.method.toUpperCase();
    const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    if (names.length === 0) exact.set(`${method} ${op.path}`, { op });
    else patterned.push({ op, method, names, pattern: new RegExp(`^${honoPath(op.path).replace(/:[^/]+/g, "([^/]+)")}$`) });
  }
  return { exact, patterned };
}

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The same schema check the full stack's validators run, for one part of the request. */
function check(schema: RequestSpec["body"], value: unknown, target: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  const error = invalidInput(result, target);
  if (error) throw error;
  return (result as { data: unknown }).data;
}

/**
 * Builds the fast path for `operations`: a function that answers a request it can serve, and
 * returns undefined for every other request.
 */
export function devicePath(operations: readonly Operation[]) {
  const { exact, patterned } = routesOf(operations);

  function match(request: Request): { route: Route; params: Record<string, string> } | undefined {
    const path = getPath(request);
    const route = exact.get(`${request.method} ${path}`);
    if (route) return { route, params: {} };
    for (const candidate of patterned) {
      if (candidate.method !== request.method) continue;
      const m = candidate.pattern!.exec(path);
      if (m) return { route: candidate, params: Object.fromEntries(candidate.names!.map((name, i) => [name, decode(m[i + 1]!)])) };
    }
    return undefined;
  }

  return (request: Request, env: Env, ctx: ExecutionContext): Promise<Response> | undefined => {
    const found = match(request);
    if (!found) return undefined;
    const headers = request.headers;
    const cors = Boolean(env.CORS_ORIGINS?.trim());
    if (cors && headers.has("Origin")) return undefined;
    if (found.route.op.request?.body && !JSON_MEDIA_TYPE.test(headers.get("content-type") ?? "")) return undefined;
    if (belowTlsFloor(request)) return undefined;
    return serve(found.route.op, found.params, request, env, ctx, cors);
  };
}

/** A caller's own correlation id, kept for the logs only (as in middleware/scope.ts). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:=+/-]{1,128}$/;

async function serve(op: Operation, params: Record<string, string>, request: Request, env: Env, ctx: ExecutionContext, cors: boolean): Promise<Response> {
  const started = Date.now();
  const requestId = newId("req");
  const clientId = request.headers.get("X-Request-Id");
  const log = createLogger(
    clientId !== null && CLIENT_REQUEST_ID.test(clientId) ? { request_id: requestId, client_request_id: clientId } : { request_id: requestId },
    env.LOG_LEVEL,
  );
  const metric: MetricContext = { event: op.metric, operation: op.operationId };
  const proof = { header: request.headers.get("DPoP"), htm: request.method, htu: request.url };
  const scope = openScope(env, { log, requestId, metric, budget: BUDGETS[op.audience], proof });
  // This response's own headers, set on it after workerd copies the shared ones in.
  const headers = new Map<string, string>([["X-Request-Id", requestId]]);
  if (cors) {
    headers.set("Access-Control-Expose-Headers", DEVICE_EXPOSE_HEADERS.join(","));
    headers.set("Vary", "Origin");
  }
  let status: number;
  let body: string | null = null;
  let own: Response | undefined;
  let errorCode: string | undefined;
  const read = readBody(request);
  try {
    const answer = await run(op, params, request, env, log, requestId, metric, scope.services, headers, read);
    if (answer instanceof Response) {
      // An answer the operation built itself keeps its own headers; ours fill in the rest.
      for (const [name, value] of [...BASE_HEADERS, ...headers]) if (!answer.headers.has(name)) answer.headers.set(name, value);
      own = answer;
      status = answer.status;
    } else {
      status = answer.status;
      body = status === 204 ? null : JSON.stringify(answer.body);
      for (const [name, value] of Object.entries(answer.headers ?? {})) headers.set(name, value);
    }
  } catch (err) {
    // Whether the body was over the limit decides a 400/415/422 (the full stack knows before anything runs).
    if (op.request?.body) await read.json();
    const failure = judgeFailure(err, { operation: op, env: env as Failing["env"], log, bodyTooLarge: read.tooLarge });
    const answer = errorAnswer(failure, requestId);
    errorCode = failure.code;
    observeError(metric, failure);
    status = answer.status;
    body = JSON.stringify(answer.body);
    for (const [name, value] of answer.headers) headers.set(name, value);
  } finally {
    logRequest(log, { method: request.method, path: getPath(request), status: status!, duration_ms: Date.now() - started });
    const point = metricPoint(metric, { status: status!, errorCode, started, cf: request.cf as { colo?: unknown; country?: unknown } | undefined });
    if (point) ctx.waitUntil(scope.record(point));
    const draft = activityDraft(metric, point, request, requestId);
    if (draft) ctx.waitUntil(scope.recordActivity(draft));
    const closing = scope.close();
    if (closing) ctx.waitUntil(closing);
  }
  if (own) return own;
  const res = new Response(body, { status, headers: BASE_HEADERS });
  for (const [name, value] of headers) res.headers.set(name, value);
  return res;
}

interface Body {
  /** The body as parsed JSON; read once, on first use. */
  json(): Promise<{ ok: true; value: unknown } | { ok: false }>;
  /** Over the limit (known once read): every 400, 415 or 422 becomes 413, as security.ts bodyLimit has it. */
  tooLarge: boolean;
}

function readBody(request: Request): Body {
  let parsed: Promise<{ ok: true; value: unknown } | { ok: false }> | undefined;
  const tooLarge = () => {
    state.tooLarge = true;
    return { ok: false } as const;
  };
  const state: Body = {
    tooLarge: false,
    json() {
      parsed ??= (async () => {
        const declared = request.headers.get("content-length");
        let text: string;
        if (declared !== null && !request.headers.has("transfer-encoding")) {
          // A declared length: workerd holds the body to it, so the native read is bounded too.
          if (Number(declared) > MAX_BODY_BYTES) return tooLarge();
          text = await request.text();
        } else {
          const bytes = request.body ? await readBounded(request.body) : new Uint8Array();
          if (bytes === undefined) return tooLarge();
          text = new TextDecoder().decode(bytes);
        }
        try {
          return { ok: true, value: JSON.parse(text) };
        } catch {
          return { ok: false };
        }
      })();
      return parsed;
    },
  };
  return state;
}

/** The full stack's order: limits, then the body's media and JSON, then each part's schema, then the handler. */
async function run(
  op: Operation,
  params: Record<string, string>,
  request: Request,
  env: Env,
  log: Logger,
  requestId: string,
  metric: MetricContext,
  services: OperationContext["services"],
  headers: Map<string, string>,
  read: Body,
): Promise<Reply | Response> {
  const spec = op.request ?? {};
  const clientIp = request.headers.get("CF-Connecting-IP") ?? undefined;
  const policy = await takePublic(env, log, clientIp ?? "unknown", async () => {
    const p = await read.json();
    return p.ok ? p.value : undefined;
  });
  if (policy) headers.set("RateLimit-Policy", policy);
  const input = {
    params: check(spec.params, params, "param"),
    query: undefined,
    headers: spec.headers ? check(spec.headers, Object.fromEntries(request.headers), "header") : undefined,
    body: undefined as unknown,
  } as Input<RequestSpec>;
  if (spec.body) {
    const p = await read.json();
    if (!p.ok) throw new AppError("INVALID_JSON", "The request body is not valid JSON.");
    input.body = check(spec.body, p.value, "json") as never;
    observeBody(metric, input.body);
  }
  const ctx: OperationContext = {
    services,
    env,
    clientIp,
    requestId,
    get actor(): never {
      throw new Error(`${op.operationId} read the actor, but its audience authenticates none`);
    },
    outcome: (code) => {
      metric.code = code;
    },
    header: (name, value) => headers.set(name, value),
    get raw(): never {
      throw new Error(`${op.operationId} is served by the device fast path, which has no Hono context: declare middleware to take the full stack`);
    },
  };
  const result = await op.handler(input, ctx);
  return (op.respond ? op.respond(result, ctx) : result) as Reply | Response;
}
