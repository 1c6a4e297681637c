// Turns every failure into the one JSON error envelope (errors.ts), in one place: validation
// failures, malformed JSON, Hono's HTTP exceptions, database outages and unexpected throws.

import type { Hook } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import type { AppEnv } from "../app";
import { MetricsStoreUnavailable } from "../contract/metrics-store";
import { KeyConfigError } from "../crypto/keys";
import { isDatabaseUnavailable, postgresCode } from "../db/client";
import { AppError, type ErrorBody, type ErrorCode, unavailable } from "../errors";
import type { Logger } from "../logging";
import { observeError } from "./metrics";
import type { Operation } from "./operation";
import { payloadTooLarge } from "./security";

declare module "hono" {
  interface ContextVariableMap {
    /** The error code of an error answer, for the metric. */
    errorCode?: string;
  }
}

// Under the `u` flag a paired surrogate is one code point, so only lone surrogates match.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The path of the first string (or key) holding a lone UTF-16 surrogate: Postgres would store it
 * as U+FFFD, so two different values could collide and none would read back as sent. Walked with
 * an explicit stack; the input is a parsed body of at most 16 KB.
 */
function loneSurrogateAt(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === "string") {
      if (LONE_SURROGATE.test(node)) return path;
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        const at = path ? `${path}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return at;
        stack.push([child, at]);
      }
    }
  }
  return undefined;
}

/** What a schema check of one part of the request gave: zod's result, as Hono's validator hands it on. */
export type CheckResult = { success: true; data: unknown } | { success: false; error: unknown };

/**
 * Schema failures: 422 with the failing paths; then text that cannot be stored as sent. Shared by
 * Hono's validators (validationHook) and the device fast path (device-path.ts), so both answer alike.
 */
export function invalidInput(result: CheckResult, target: string): AppError | undefined {
  if (result.success) {
    const at = loneSurrogateAt(result.data);
    if (at === undefined) return undefined;
    return new AppError("VALIDATION_FAILED", "The request holds text that is not well-formed Unicode.", {
      details: [{ path: at, message: "Contains a lone UTF-16 surrogate; send well-formed Unicode." }],
    });
  }
  const issues = (result.error as ZodError).issues.map((issue) => ({
    path: issue.path.join("."),
    message: issue.message,
    ...("keys" in issue ? { keys: issue.keys } : {}),
  }));
  const where = target === "json" ? "body" : target;
  return new AppError("VALIDATION_FAILED", `The request ${where} is invalid.`, { details: issues });
}

export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  const error = invalidInput(result as CheckResult, result.target);
  if (error) throw error;
};

/** The error envelope of an answer: status, body and headers, whoever sends it. */
export function errorAnswer(err: AppError, requestId: string): { status: number; body: ErrorBody; headers: [string, string][] } {
  const body: ErrorBody = {
    error: { code: err.code, message: err.message, request_id: requestId, ...(err.details !== undefined ? { details: err.details } : {}) },
  };
  return { status: err.status, body, headers: [...Object.entries(err.headers ?? {}), ["Cache-Control", "no-store"]] };
}

export function errorResponse(c: Context, err: AppError): Response {
  c.set("errorCode", err.code);
  observeError(c.get("metric"), err);
  const answer = errorAnswer(err, c.get("requestId") ?? "");
  const res = c.json(answer.body, err.status);
  for (const [name, value] of answer.headers) res.headers.set(name, value);
  return res;
}

const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
};

/** Maps anything thrown to an AppError; unknown errors become a bare 500 with nothing leaked. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 400 && /JSON/i.test(err.message)) {
      return new AppError("INVALID_JSON", "The request body is not valid JSON.");
    }
    if (err.status === 415) {
      return new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
    }
    const code = HTTP_EXCEPTION_CODES[err.status];
    if (code) return new AppError(code, err.message || code);
  }
  if (isDatabaseUnavailable(err) || err instanceof MetricsStoreUnavailable) return unavailable(err);
  // A deployment without usable signing keys is misconfigured, not broken by this request: 503, as an unset ISSUER is.
  if (err instanceof KeyConfigError) {
    return new AppError("SERVICE_UNAVAILABLE", "The deployment's signing keys (SIGNING_KEYS) are not configured.", {
      internal: err,
      headers: { "Retry-After": "60" },
    });
  }
  const sqlstate = postgresCode(err);
  // Input the schema let through but Postgres cannot store (e.g. a NUL byte): the client's fault.
  if (sqlstate?.startsWith("22")) return new AppError("VALIDATION_FAILED", "A value in the request cannot be stored.", { internal: err });
  if (sqlstate === "23505") return new AppError("CONFLICT", "A resource with these values already exists.", { internal: err });
  // 23514 check_violation: services check every rule first; should one slip through, it is still the request's fault.
  if (sqlstate === "23514") return new AppError("VALIDATION_FAILED", "A value in the request breaks a rule of the resource.", { internal: err });
  // 23001 restrict_violation: deleting something still in use.
  if (sqlstate === "23001") return new AppError("CONFLICT", "The resource is still in use.", { internal: err });
  if (sqlstate === "23503") return new AppError("VALIDATION_FAILED", "The request refers to a resource that does not exist.", { internal: err });
  return new AppError("INTERNAL_ERROR", "An unexpected error occurred.", { internal: err });
}

/** What decides how a failure is answered, besides the failure itself. */
export interface Failing {
  operation: Operation | undefined;
  env: { STRICT_ERRORS?: string };
  log: Logger | undefined;
  /** The body was dropped for its size (security.ts bodyLimit). */
  bodyTooLarge?: boolean;
}

/**
 * An answer an operation did not declare (middleware/operation.ts): logged, and under
 * `STRICT_ERRORS` (the tests) a 500 that names it, so every code a test observes is one its
 * operation documents.
 */
function undeclared(at: Failing, appError: AppError): AppError | undefined {
  const op = at.operation;
  if (!op || appError.status >= 500 || op.allowedErrors.has(appError.code)) return undefined;
  at.log?.warn("undeclared error code", { operation: op.operationId, code: appError.code });
  if (at.env.STRICT_ERRORS !== "true") return undefined;
  return new AppError("INTERNAL_ERROR", `${op.operationId} answered ${appError.code}, which it does not declare.`);
}

/** Anything thrown, as the error the client gets, logged once; both request paths answer through it. */
export function judgeFailure(err: unknown, at: Failing): AppError {
  let appError = toAppError(err);
  // The body was dropped for its size: whatever the route then made of it, the answer is 413.
  if (at.bodyTooLarge && [400, 415, 422].includes(appError.status)) appError = payloadTooLarge();
  appError = undeclared(at, appError) ?? appError;
  if (appError.status >= 500) at.log?.error("request failed", { code: appError.code, status: appError.status, error: appError.internal ?? err });
  else at.log?.debug("request rejected", { code: appError.code });
  return appError;
}

export const onError: ErrorHandler = (err, c) =>
  errorResponse(c, judgeFailure(err, { operation: c.get("operation"), env: c.env as Failing["env"], log: c.get("log"), bodyTooLarge: c.get("bodyTooLarge") }));

/**
 * 404 for unknown paths, 405 (with `Allow`) for known paths called with the wrong method.
 * `routes` is read lazily so it sees every route registered after this handler was made.
 */
export function notFoundHandler(routes: () => { method: string; path: string }[]): NotFoundHandler {
  let table: { pattern: RegExp; method: string }[] | undefined;
  return (c) => {
    table ??= routes()
      .filter((r) => r.method !== "ALL")
      .map((r) => ({
        method: r.method,
        pattern: new RegExp(`^${r.path.replace(/[.]/g, "\\.").replace(/\/:[^/]+/g, "/[^/]+")}$`),
      }));
    const allowed = [...new Set(table.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method))];
    if (allowed.length > 0) {
      if (allowed.includes("GET") && !allowed.includes("HEAD")) allowed.push("HEAD");
      return errorResponse(
        c,
        new AppError("METHOD_NOT_ALLOWED", `Use ${allowed.join(", ")} for this path.`, {
          headers: { Allow: allowed.join(", ") },
        }),
      );
    }
    return errorResponse(c, new AppError("NOT_FOUND", "No route matches this path."));
  };
}
