// The invariants every response must hold, whatever was sent, and the collector that gathers
// violations across a whole block of requests so one run reports all of them at once.

import type { Validator } from "@cfworker/json-schema";
import type { Operation, Schema } from "./openapi";

export type Invariant = "no-5xx" | "error-envelope" | "2xx-schema" | "declared-status" | "no-leak";

/** What was sent, as findings describe it. */
export interface SentRequest {
  op: Operation;
  method: string;
  /** Path and query as sent. */
  url: string;
  mutation: string;
  credential: string;
  /** Position in the block's request list: with the seed, enough to find the request again. */
  index: number;
}

export interface Violation {
  invariant: Invariant;
  request: SentRequest;
  status: number;
  detail: string;
}

/** Stack frames, source paths, SQL and library error names: never in a response. */
const LEAKS: [string, RegExp][] = [
  ["stack frame", /\bat \S+ \(|\n\s+at \S/],
  ["source path", /\.(ts|js|mjs):\d+/],
  ["node_modules", /node_modules/],
  ["SQL", /\bselect\s+[\w"*]|\binsert into\b|\bupdate\s+"?\w+"?\s+set\b|\bdelete from\b/i],
  [
    "library error",
    /\b(ZodError|NeonDbError|DrizzleQueryError|DrizzleError|TypeError|SyntaxError|RangeError|ReferenceError|JOSEError|JWSInvalid|HTTPException)\b/,
  ],
];

export interface ResponseCheck {
  request: SentRequest;
  res: Response;
  text: string;
  validatorFor: (op: Operation, status: number, contentType: string, schema: Schema) => Validator;
}

/** Checks one response against the five invariants; returns what it broke. */
export function checkResponse({ request, res, text, validatorFor }: ResponseCheck): Violation[] {
  const { op } = request;
  const status = res.status;
  const out: Violation[] = [];
  const violate = (invariant: Invariant, detail: string) => out.push({ invariant, request, status, detail });

  if (status >= 500) violate("no-5xx", text);
  const declared = op.responses.get(status);
  // A 5xx is reported once, as such.
  if (!declared && status < 500) violate("declared-status", `undeclared ${status} (declared: ${[...op.responses.keys()].join(", ")})`);
  for (const [name, pattern] of LEAKS) if (pattern.test(text)) violate("no-leak", `${name}: ${excerpt(text, pattern)}`);

  const mediaType = (res.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (status >= 400) {
    const problem = envelopeProblem(res, mediaType, text);
    if (problem) violate("error-envelope", problem);
  } else if (status >= 200 && status < 300) {
    const problem = successProblem(op, status, declared, mediaType, text, validatorFor);
    if (problem) violate("2xx-schema", problem);
  }
  return out;
}

function envelopeProblem(res: Response, mediaType: string, text: string): string | undefined {
  if (mediaType !== "application/json") return `content-type ${JSON.stringify(res.headers.get("Content-Type"))}`;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  const error = body?.error;
  if (!error || typeof error !== "object") return "no `error` object";
  for (const field of ["code", "message", "request_id"]) {
    if (typeof error[field] !== "string" || error[field] === "") return `error.${field} missing or empty`;
  }
  const header = res.headers.get("X-Request-Id");
  if (header !== error.request_id) return `X-Request-Id ${JSON.stringify(header)} != error.request_id ${JSON.stringify(error.request_id)}`;
  return undefined;
}

function successProblem(
  op: Operation,
  status: number,
  declared: Map<string, Schema> | undefined,
  mediaType: string,
  text: string,
  validatorFor: ResponseCheck["validatorFor"],
): string | undefined {
  if (!declared) return undefined; // reported as declared-status
  if (declared.size === 0) return text === "" ? undefined : `a ${status} with a body`;
  const schema = declared.get(mediaType);
  if (!schema) return `content-type ${JSON.stringify(mediaType)}, declared: ${[...declared.keys()].join(", ")}`;
  // Files and signed tokens (a license file, a status list) are declared as strings: their text is the body.
  const json = mediaType === "application/json" || mediaType.endsWith("+json");
  let body: unknown = text;
  if (!json) return schema.type === "string" && text !== "" ? undefined : `a ${mediaType} body that is not a non-empty string`;
  try {
    body = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  const result = validatorFor(op, status, mediaType, schema).validate(body);
  if (result.valid) return undefined;
  // The deepest errors say what is wrong; the "a subschema had errors" wrappers do not.
  const leaves = result.errors.filter((e) => !/subschema|sub-schema/i.test(e.error)).slice(0, 3);
  return (leaves.length > 0 ? leaves : result.errors.slice(0, 3)).map((e) => `${e.instanceLocation}: ${e.error}`).join("; ");
}

function excerpt(text: string, pattern: RegExp): string {
  const at = text.search(pattern);
  return text.slice(Math.max(0, at - 40), at + 80);
}

/** Violations of one block, grouped by (operation, invariant, status) with one example each. */
export class Findings {
  readonly violations: Violation[] = [];
  /** Responses per status: shows what the block reached (a fuzz that only gets 401s proves little). */
  readonly statuses = new Map<number, number>();
  requests = 0;

  constructor(
    readonly block: string,
    readonly seed: number,
  ) {}

  record(status: number, violations: Violation[]) {
    this.requests++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.violations.push(...violations);
  }

  /** `200x41 201x9 404x30 ...`. */
  histogram(): string {
    return [...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}x${n}`)
      .join(" ");
  }

  summary(): string {
    const groups = new Map<string, { count: number; example: Violation }>();
    for (const v of this.violations) {
      const key = `${v.request.op.key} | ${v.invariant} | ${v.status}`;
      const group = groups.get(key);
      if (group) group.count++;
      else groups.set(key, { count: 1, example: v });
    }
    const lines = [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, { count, example: v }]) => {
        const r = v.request;
        const sent = `${r.method} ${clip(r.url, 100)} [${r.mutation}; cred=${r.credential}; #${r.index}]`;
        return `- ${key} (x${count})\n    e.g. ${sent} -> ${v.status}: ${clip(v.detail.replace(/\s+/g, " "), 240)}`;
      });
    return `${this.block}: ${this.violations.length} violations in ${groups.size} groups over ${this.requests} requests (seed ${this.seed})\n${lines.join("\n")}`;
  }
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}...(${s.length} chars)` : s);
