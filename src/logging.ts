// Structured JSON logs, one object per line, always with the request id. Everything passes
// through `redact` first: a log line must never carry a license key, API key, token or secret.
import { SECRET_PREFIXES } from "./contract/ids";

export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_PATTERNS: [RegExp, string][] = [
  [new RegExp(`\\b(${Object.values(SECRET_PREFIXES).join("|")})_[A-Za-z0-9+/=_-]{6,}`, "g"), "$1_[REDACTED]"],
  // User tokens are bare UUIDs (seed 003's format), so every UUID is masked, in paths and values alike.
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "[REDACTED_UUID]"],
  // Compact JWS/JWT: three base64url segments starting with a JSON header.
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, "[REDACTED_JWT]"],
  [/\b(Bearer|Basic)\s+[^\s"',]+/gi, "$1 [REDACTED]"],
  [/(postgres(?:ql)?:\/\/[^:/\s]+:)[^@\s]+@/gi, "$1[REDACTED]@"],
];

// Field names whose values are masked whatever they look like.
const SECRET_FIELD =
  /^(authorization|cookie|set-cookie|license_?key|api_?key|key|hwuid|fingerprint|signing_?keys|private_?key|operator_?token|user_?token|access_?token)$|secret|passw|token$/i;

function redactString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Returns a copy with secret-looking fields and substrings masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 6) return "[TRUNCATED]";
  if (value instanceof Error) return describeError(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[redactString(k)] = SECRET_FIELD.test(k) && v != null && v !== "" ? "[REDACTED]" : redact(v, depth + 1);
  }
  return out;
}

/**
 * An error as a log field. Query errors from drizzle carry the SQL and its parameters in their
 * message: only the database's own error (code and message) is kept.
 */
function describeError(err: Error): Record<string, unknown> {
  const cause = (err as { cause?: unknown }).cause;
  if (/^Failed query:/.test(err.message)) {
    const inner = cause as { code?: unknown; message?: unknown } | undefined;
    return { name: "DatabaseQueryError", code: inner?.code, message: redactString(String(inner?.message ?? "query failed")) };
  }
  const out: Record<string, unknown> = { name: err.name, message: redactString(err.message) };
  if (cause instanceof Error) out.cause = { name: cause.name, message: redactString(cause.message) };
  return out;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The one line logged per request, whichever path answered it. */
export interface RequestLine {
  method: string;
  path: string;
  status: number;
  duration_ms: number;
}

export const logRequest = (log: Logger, line: RequestLine) => log.info("request", { ...line });

/** Whether request lines (level info) are written at `minLevel` (unset or unknown means info). */
export const logsRequests = (minLevel: string | undefined) => levelFloor(minLevel) <= LEVELS.info;

const levelFloor = (minLevel: string | undefined) => LEVELS[(minLevel as LogLevel) in LEVELS ? (minLevel as LogLevel) : "info"];

/**
 * One object per request with its methods on the prototype: a request that logs nothing (the
 * usual case at LOG_LEVEL=warn) pays for one small allocation, not four closures.
 */
class JsonLogger implements Logger {
  constructor(
    private readonly context: Record<string, unknown>,
    private readonly floor: number,
  ) {}
  debug(msg: string, fields?: Record<string, unknown>) {
    if (LEVELS.debug >= this.floor) this.write("debug", msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>) {
    if (LEVELS.info >= this.floor) this.write("info", msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>) {
    if (LEVELS.warn >= this.floor) this.write("warn", msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>) {
    if (LEVELS.error >= this.floor) this.write("error", msg, fields);
  }
  private write(level: LogLevel, msg: string, fields: Record<string, unknown> | undefined) {
    const line = JSON.stringify(redact({ ts: new Date().toISOString(), level, msg, ...this.context, ...fields }));
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  }
}

export function createLogger(context: Record<string, unknown>, minLevel: string | undefined): Logger {
  return new JsonLogger(context, levelFloor(minLevel));
}
