// One operation, one declaration. A route file exports `operation({...})`: its method, path,
// operationId, audience (and permission, metric), request and response schemas, the error codes
// it can answer, its handler (plain values in, a value out) and, when the answer is not plain
// JSON, its serialiser. Everything that follows from the declaration is derived here, once: the
// middleware stack and database budget (audiences.ts), CORS on the path, the OpenAPI `security`
// and error responses (each status with its codes), and, in tests, a check that every error an
// operation answers is one it declared.
import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { App, AppEnv } from "../app";
import { ERROR_STATUS, type ErrorCode } from "../errors";
import type { Actor, Services } from "../services";
import { AUDIENCE_ERRORS, authenticated, type Placement, pathMiddlewareFor, stackFor } from "./audiences";
import { observeBody } from "./metrics";

declare module "hono" {
  interface ContextVariableMap {
    /** The operation serving this request (its declared errors are checked in middleware/errors.ts). */
    operation?: Operation;
  }
}

type Schema = z.ZodType;
type Content = NonNullable<NonNullable<RouteConfig["request"]>["body"]>;

export interface RequestSpec {
  params?: Schema;
  query?: Schema;
  headers?: Schema;
  /** A JSON body (required, strict: the schema's own rules). */
  body?: Schema;
  /** A body in other media types (introspection takes JSON or a form); read from `ctx.raw`. */
  bodyContent?: Content;
}

type Out<S> = S extends Schema ? z.output<S> : undefined;

/** What a handler is given: the request's validated parts. */
export interface Input<R extends RequestSpec> {
  params: Out<R["params"]>;
  query: Out<R["query"]>;
  headers: Out<R["headers"]>;
  body: Out<R["body"]>;
}

/** What a handler may use besides its input: the request's services and facts, never the HTTP layer itself. */
export interface OperationContext {
  services: Services;
  env: Env;
  /** `CF-Connecting-IP`, as Cloudflare reports the client's address. */
  clientIp: string | undefined;
  requestId: string;
  /** The admitted credential (admin and server audiences; reading it elsewhere is a wiring fault, a 500). */
  readonly actor: Actor;
  /** The outcome the usage metric records (a validation code). */
  outcome(code: string): void;
  /** A response header to add (e.g. `License-Degraded`). */
  header(name: string, value: string): void;
  /** The Hono context, for the few operations that answer something other than JSON (downloads, documents). */
  raw: Context<AppEnv>;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A JSON answer: what a handler without its own serialiser returns. */
export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

interface ResponseSpec {
  description: string;
  /** A JSON body of this shape. */
  schema?: Schema;
  /** Other media types, as OpenAPI writes them. */
  content?: Record<string, { schema: Schema }>;
  headers?: Record<string, { description: string; schema: Schema }>;
}

export interface Declaration<R extends RequestSpec, T> extends Placement {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form: `/v1/licenses/{id}`. */
  path: string;
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  request?: R;
  /** The success responses, by status. */
  responses: Record<number, ResponseSpec>;
  /** The error codes it can answer beyond its audience's own (audiences.ts AUDIENCE_ERRORS). */
  errors?: readonly ErrorCode[];
  /** Plain values in, a value out: the value `respond` serialises, or without `respond` the answer itself (`reply(...)`, or a Response). */
  handler: (input: Input<R>, ctx: OperationContext) => Promise<T> | T;
  /** Turns the handler's value into the answer. */
  respond?: (result: T, ctx: OperationContext) => Reply | Response;
}

export interface Operation extends Declaration<RequestSpec, unknown> {
  /** Every error code it may answer: its own and its audience's. */
  allowedErrors: ReadonlySet<ErrorCode>;
}

/**
 * @example
 * export default operation({
 *   method: "get", path: "/v1/licenses/{id}", operationId: "getLicense", audience: "admin", permission: "licenses:read",
 *   tags: ["Licenses (admin)"], summary: "Get a license",
 *   request: { params: IdParam("lic") },
 *   responses: { 200: { description: "The license", schema: License } },
 *   errors: ["NOT_FOUND"],
 *   handler: ({ params }, { services }) => services.licenses.get(params.id),
 *   respond: (row) => ({ status: 200, body: licenseBody(row) }),
 * });
 */
export function operation<const R extends RequestSpec, T>(declaration: Declaration<R, T>): Operation {
  const allowedErrors = new Set<ErrorCode>([...AUDIENCE_ERRORS[declaration.audience], ...(declaration.errors ?? [])]);
  // A credential reading itself (whoami) needs no permission, so it can answer no 403.
  if (declaration.permission === undefined) allowedErrors.delete("FORBIDDEN");
  return { ...(declaration as unknown as Declaration<RequestSpec, unknown>), allowedErrors };
}

const ErrorBody = (codes: ErrorCode[]) =>
  z.object({
    error: z.object({
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      request_id: z.string(),
      details: z.unknown().optional(),
    }),
  });

/** The challenge a refused device key proof carries (services/device-proof.ts), as documented. */
const DPOP_CHALLENGE_HEADER = {
  "WWW-Authenticate": {
    description: 'On a refused DPoP proof: `DPoP error="invalid_dpop_proof", algs="ES256 EdDSA"` (RFC 9449 section 7.1)',
    schema: { type: "string" },
  },
};

/** OpenAPI error responses from the codes: one entry per status, naming its codes. */
function errorResponses(codes: ReadonlySet<ErrorCode>) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => [
        status,
        {
          description: `\`${list.sort().join("`, `")}\``,
          ...(list.includes("DPOP_PROOF_MISSING") ? { headers: DPOP_CHALLENGE_HEADER } : {}),
          content: { "application/json": { schema: ErrorBody(list) } },
        },
      ]),
  );
}

/**
 * The `DPoP` request header, documented on the operations that judge a device key. Only the full
 * stack sees this schema (it always passes); the proof itself is checked by services/device-proof.ts.
 */
const DpopHeader = z.object({
  DPoP: z.string().optional().openapi({
    description:
      "A DPoP proof (RFC 9449) made with the device's key: `typ` dpop+jwt, ES256 or EdDSA, the public `jwk` in its header, `htm`, `htu` (this URL without query), `iat` (60 s window) and a `jti` used once. Needed when the license's policy has `proof_of_possession` `required`, or `optional` and the device is key-bound; on activate it binds the device to the key.",
  }),
});

const successResponses = (responses: Declaration<RequestSpec, unknown>["responses"]) =>
  Object.fromEntries(
    Object.entries(responses).map(([status, r]) => [
      status,
      {
        description: r.description,
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.schema ? { content: { "application/json": { schema: r.schema } } } : r.content ? { content: r.content } : {}),
      },
    ]),
  );

/** The request's headers as documented: its own, and `DPoP` where the operation judges a device key. */
function documentedHeaders(op: Operation, own: Schema | undefined): { headers?: Schema } {
  if (!op.allowedErrors.has("DPOP_PROOF_MISSING")) return own ? { headers: own } : {};
  return { headers: own instanceof z.ZodObject ? own.extend(DpopHeader.shape) : DpopHeader };
}

/** The Hono path of an OpenAPI one: `/v1/licenses/{id}` -> `/v1/licenses/:id`. */
export const honoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ":$1");

/** Marks the request as this operation's, for the error check (middleware/errors.ts). */
const declared = (op: Operation) =>
  (async (c, next) => {
    c.set("operation", op);
    await next();
  }) satisfies import("hono").MiddlewareHandler<AppEnv>;

/** Registers an operation: its path middleware, its stack, its OpenAPI entry and its handler. */
export function register(app: App, op: Operation): void {
  const request = op.request ?? {};
  const route = createRoute({
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    tags: op.tags,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(authenticated(op) ? { security: [{ [op.audience === "operator" ? "operatorToken" : "bearerAuth"]: [] }] } : {}),
    middleware: [declared(op), ...stackFor(op)],
    request: {
      ...(request.params ? { params: request.params } : {}),
      ...(request.query ? { query: request.query } : {}),
      ...documentedHeaders(op, request.headers),
      ...(request.body ? { body: { required: true, content: { "application/json": { schema: request.body } } } } : {}),
      ...(request.bodyContent ? { body: request.bodyContent } : {}),
    },
    responses: { ...successResponses(op.responses), ...errorResponses(op.allowedErrors) },
  } as RouteConfig);
  const pathMiddleware = pathMiddlewareFor(op.audience);
  if (pathMiddleware) app.use(honoPath(op.path), pathMiddleware);
  app.openapi(route, (async (c: Context<AppEnv>) => {
    const valid = (target: string) => (c.req.valid as (t: string) => unknown).call(c.req, target);
    const input = {
      params: request.params ? valid("param") : undefined,
      query: request.query ? valid("query") : undefined,
      headers: request.headers ? valid("header") : undefined,
      body: request.body ? valid("json") : undefined,
    } as Input<RequestSpec>;
    if (op.metric) observeBody(c.var.metric, input.body);
    const ctx: OperationContext = {
      services: c.var.services,
      env: c.env,
      clientIp: c.req.header("CF-Connecting-IP"),
      requestId: c.var.requestId,
      get actor() {
        const actor = c.var.auth;
        if (!actor) throw new Error(`${op.operationId} read the actor, but its audience authenticates none`);
        return actor;
      },
      outcome: (code) => {
        c.var.metric.code = code;
      },
      header: (name, value) => c.header(name, value),
      raw: c,
    };
    const result = await op.handler(input, ctx);
    const answer = (op.respond ? op.respond(result, ctx) : result) as Reply | Response;
    if (answer instanceof Response) return answer;
    if (answer.status === 204) return c.body(null, 204, answer.headers);
    return c.json(answer.body as object, answer.status as 200, answer.headers);
  }) as never);
}

/** Registers every operation, in order. */
export const registerAll = (app: App, operations: readonly Operation[]) => {
  for (const op of operations) register(app, op);
};
