// The requests the fuzz sends: schema-valid ones and their mutations (body fields, raw body text
// and content types, path ids, query parameters, Authorization headers). Building is separate
// from sending and draws only from the seeded PRNG, so a seed always yields the same list.

import { type Fixtures, RECEIVER } from "./fixtures";
import { generate } from "./generate";
import type { Operation, Schema } from "./openapi";
import type { Rng } from "./prng";

/** How the request authenticates: the tenant's all-permission key, nothing, or a made-up key. */
export type Credential = "key" | "none" | "garbage";

export interface FuzzRequest {
  op: Operation;
  method: string;
  /** Path and query, already encoded. */
  url: string;
  /** What was done to an otherwise valid request (`valid` when nothing). */
  mutation: string;
  credential: Credential;
  /** Extra headers; an `Authorization` here wins over `credential`. */
  headers?: Record<string, string>;
  /** Body text as sent; `contentType: null` sends it with no Content-Type at all. */
  body?: { text: string; contentType: string | null };
}

export interface BuildContext {
  rng: Rng;
  fx: Fixtures;
  resolve: (schema: Schema) => Schema;
}

/** The credential a request of `op` may carry: the operator route never gets the tenant key. */
function credentialFor(op: Operation, ctx: BuildContext, wanted: Credential = "key"): Credential {
  if (op.auth === "operator" && wanted === "key") return ctx.rng.chance(0.5) ? "none" : "garbage";
  if (op.auth === "public" && wanted === "key") return "none";
  return wanted;
}

const hintsFor = (fx: Fixtures): Record<string, () => unknown> => ({
  license_key: () => fx.licenseKey,
  fingerprint: () => fx.fingerprint,
  hwuid: () => fx.fingerprint,
  policy_id: () => fx.ids.policies,
  application_id: () => fx.ids.applications,
  token: () => fx.licenseToken,
  license_token: () => fx.licenseToken,
  user_token: () => fx.userToken,
  // Every webhook URL points at the local receiver, so no delivery ever leaves the machine.
  url: () => RECEIVER,
});

export function validBody(op: Operation, ctx: BuildContext): Record<string, unknown> | undefined {
  if (!op.body) return undefined;
  const body = generate(op.body.schema, { rng: ctx.rng, resolve: ctx.resolve, hints: hintsFor(ctx.fx) }) as Record<string, unknown>;
  // A webhook URL is always ours, even when the schema makes it optional (PATCH).
  if (ctx.resolve(op.body.schema).properties?.url) body.url = RECEIVER;
  return body;
}

/** Fields that name something of the tenant's: kept real so the request gets past the lookup. */
const REFERENCES = new Set(["license_key", "policy_id", "application_id", "token", "license_token", "user_token", "url"]);

/** 253 characters in 63-character labels: the longest name DNS allows. */
const LONGEST_HOST_NAME = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;

/**
 * Still schema-valid, at the edge: every field present, strings at maxLength (random, since
 * Postgres compresses a repeated character and would store it easily), integers at maximum
 * (references stay real). Where the schema's limits outrun the storage, this is what finds it.
 */
function boundaryBody(op: Operation, ctx: BuildContext): Record<string, unknown> {
  const valid = validBody(op, ctx)!;
  const schema = ctx.resolve(op.body!.schema);
  const hints = hintsFor(ctx.fx);
  for (const [name, raw] of Object.entries<Schema>(schema.properties ?? {})) {
    const s = ctx.resolve(raw);
    const types = typesOf(s);
    const hint = hints[name];
    if (REFERENCES.has(name) && hint) {
      valid[name] = hint();
      continue;
    }
    if (name === "domain") valid[name] = LONGEST_HOST_NAME.slice(0, s.maxLength ?? 253);
    else if (types.includes("string") && s.maxLength !== undefined && !s.enum && !s.format) valid[name] = ctx.rng.string(Math.min(s.maxLength, 4096));
    else if (types.includes("integer") && s.maximum !== undefined) valid[name] = s.maximum;
    else if (valid[name] === undefined) valid[name] = generate(s, { rng: ctx.rng, resolve: ctx.resolve });
  }
  return valid;
}

const jsonBody = (value: unknown) => ({ text: JSON.stringify(value), contentType: "application/json" });

/** A well-formed id of the right kind that exists nowhere. */
function randomId(param: Schema, rng: Rng): string {
  const prefix = /^([a-z]+)_/.exec(String(param.example ?? ""))?.[1] ?? "id";
  return `${prefix}_${rng.string(26)}`;
}

/** The path with every parameter filled: the tenant's own resource, or a random id. */
export function fillPath(op: Operation, ctx: BuildContext, real: boolean, override?: { name: string; raw: string }): string {
  const kind = op.path.split("/")[2]!;
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (override?.name === name) return override.raw;
    const param = op.params.find((p) => p.name === name)?.schema ?? {};
    const id = real ? ctx.fx.ids[name === "activation_id" ? "activation" : kind] : undefined;
    return encodeURIComponent(id ?? randomId(param, ctx.rng));
  });
}

/** Schema-valid query parameters, each present half of the time. */
function validQuery(op: Operation, ctx: BuildContext): string {
  const pairs: string[] = [];
  for (const p of op.params.filter((p) => p.in === "query")) {
    if (!p.required && !ctx.rng.chance(0.5)) continue;
    const value = p.name === "application_id" ? ctx.fx.ids.applications! : generate(p.schema, { rng: ctx.rng, resolve: ctx.resolve });
    pairs.push(`${p.name}=${encodeURIComponent(String(value))}`);
  }
  return pairs.length > 0 ? `?${pairs.join("&")}` : "";
}

function validHeaders(op: Operation, ctx: BuildContext): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const p of op.params.filter((p) => p.in === "header")) {
    if (p.required || ctx.rng.chance(0.3)) headers[p.name] = String(generate(p.schema, { rng: ctx.rng, resolve: ctx.resolve }));
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/** A schema-valid request: real or random path ids, a generated body, query and headers. */
export function validRequest(op: Operation, ctx: BuildContext, options: { real: boolean; credential?: Credential; mutation?: string }): FuzzRequest {
  const body = validBody(op, ctx);
  return {
    op,
    method: op.method,
    url: fillPath(op, ctx, options.real) + validQuery(op, ctx),
    mutation: options.mutation ?? (options.real ? "valid" : "valid, random ids"),
    credential: credentialFor(op, ctx, options.credential),
    headers: validHeaders(op, ctx),
    body: body === undefined ? undefined : jsonBody(body),
  };
}

/** Builds a 50-deep nest of arrays or objects. */
function deep(kind: "array" | "object", depth = 50): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = kind === "array" ? [value] : { a: value };
  return value;
}

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.enum ? [typeof s.enum[0]] : []);

const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);

/** `{"<key>":<value>, ...rest of the valid body}` as text: JSON.stringify cannot write `__proto__` keys. */
function withLeadingKey(valid: Record<string, unknown>, key: string, value: unknown): string {
  const rest = JSON.stringify(valid).slice(1);
  return `{${JSON.stringify(key)}:${JSON.stringify(value)}${rest === "}" ? "" : ","}${rest}`;
}

/** Field-level and whole-body mutations of a valid JSON body: each stays well-formed JSON. */
export function bodyMutations(op: Operation, ctx: BuildContext): FuzzRequest[] {
  if (!op.body) return [];
  const { rng } = ctx;
  const schema = ctx.resolve(op.body.schema);
  const props = Object.entries<Schema>(schema.properties ?? {}).map(([name, s]) => ({ name, s: ctx.resolve(s) }));
  const required: string[] = schema.required ?? [];
  const field = (prefer?: (t: string[]) => boolean) => {
    const preferred = prefer ? props.filter((p) => prefer(typesOf(p.s))) : [];
    return (preferred.length > 0 ? rng.pick(preferred) : props.length > 0 ? rng.pick(props) : { name: "value", s: {} }).name;
  };
  const numeric = (t: string[]) => t.includes("integer") || t.includes("number");
  const stringy = (t: string[]) => t.includes("string");
  const out: FuzzRequest[] = [];
  const push = (mutation: string, body: { text: string; contentType: string | null }) => out.push({ ...validRequest(op, ctx, { real: true, mutation }), body });
  const setField = (mutation: string, name: string, value: unknown) => {
    const valid = validBody(op, ctx)!;
    push(`${mutation}:${name}`, jsonBody({ ...valid, [name]: value }));
  };

  const wrongField = field();
  const declared = typesOf(props.find((p) => p.name === wrongField)?.s ?? {});
  const wrong = [42, true, "text", [1], { a: 1 }, null].filter(
    (v) => !declared.includes(jsonType(v)) && !(jsonType(v) === "integer" && declared.includes("number")),
  );
  setField("wrong-type", wrongField, rng.pick(wrong));
  if (required.length > 0) {
    const missing = rng.pick(required);
    const valid = validBody(op, ctx)!;
    delete valid[missing];
    push(`missing-required:${missing}`, jsonBody(valid));
  } else {
    push("empty-object", jsonBody({}));
  }
  push("unknown-field", jsonBody({ ...validBody(op, ctx), zz_unknown_field: 1 }));
  push("max-boundary", jsonBody(boundaryBody(op, ctx)));
  setField("string-20000", field(stringy), "x".repeat(20_000));
  setField("string-5000", field(stringy), "y".repeat(5_000));
  for (const [label, value] of [
    ["1e308", 1e308],
    ["-1", -1],
    ["1.5", 1.5],
    ["NaN-string", "NaN"],
  ] as const) {
    setField(`number-${label}`, field(numeric), value);
  }
  setField("nul-byte", field(stringy), "a\u0000b");
  setField("emoji", field(stringy), "\u{1F600}\u{1F389}");
  setField("lone-surrogate", field(stringy), "x\ud800y");
  setField(
    "deep-array-50",
    field((t) => t.includes("array")),
    deep("array"),
  );
  setField(
    "deep-object-50",
    field((t) => t.includes("object")),
    deep("object"),
  );
  push("__proto__-key", { text: withLeadingKey(validBody(op, ctx)!, "__proto__", { polluted: true }), contentType: "application/json" });
  // Inside a free-form record (metadata), where a parser builds the object key by key.
  const record = props.find((p) => typesOf(p.s).includes("object") && !p.s.properties);
  if (record) {
    const { [record.name]: _, ...rest } = validBody(op, ctx)!;
    const nested = withLeadingKey({ seat: "a" }, "__proto__", { polluted: true });
    const text = JSON.stringify({ ...rest, [record.name]: "@" }).replace('"@"', nested);
    push(`__proto__-nested:${record.name}`, { text, contentType: "application/json" });
  }
  push("constructor-key", { text: withLeadingKey(validBody(op, ctx)!, "constructor", { prototype: { polluted: true } }), contentType: "application/json" });
  push("body-array", jsonBody([validBody(op, ctx)]));
  push("body-null", jsonBody(null));
  return out;
}

/** Malformed JSON text and wrong content types; body-less operations get a body they did not ask for. */
export function rawBodyMutations(op: Operation, ctx: BuildContext): FuzzRequest[] {
  const base = (mutation: string, body: { text: string; contentType: string | null }): FuzzRequest => ({
    ...validRequest(op, ctx, { real: true, mutation }),
    body,
  });
  if (!op.body) {
    if (op.method === "GET") return [];
    return [base("unexpected-body", jsonBody({ unexpected: 1 })), base("unexpected-body-20000", jsonBody({ unexpected: "x".repeat(20_000) }))];
  }
  const text = JSON.stringify(validBody(op, ctx));
  const json = "application/json";
  return [
    base("bad-json:{", { text: "{", contentType: json }),
    base("bad-json:[1,", { text: "[1,", contentType: json }),
    base("bad-json:nul", { text: "nul", contentType: json }),
    base("empty-body", { text: "", contentType: json }),
    base("content-type:text/plain", { text, contentType: "text/plain" }),
    base("content-type:form-urlencoded", { text, contentType: "application/x-www-form-urlencoded" }),
    base("content-type:multipart", { text, contentType: "multipart/form-data; boundary=zz" }),
    base("content-type:none", { text, contentType: null }),
    base("content-type:json;charset=utf-8", { text, contentType: "application/json; charset=utf-8" }),
  ];
}

/** Path ids a client should never send, each already in URL form. */
const BAD_IDS: [string, (prefix: string) => string][] = [
  ["id-200-chars", (p) => `${p}_${"a".repeat(196)}`],
  ["id-65-chars", (p) => `${p}_${"b".repeat(61)}`],
  ["id-%00", (p) => `${p}_%00`],
  ["id-dotdot", () => encodeURIComponent("../../etc/passwd")],
  ["id-unicode", () => encodeURIComponent("\u00fcn\u00ef\u6f22\u5b57\u{1F600}")],
  ["id-encoded-slash", (p) => `${p}_x%2Fy`],
  ["id-bad-utf8", (p) => `${p}_%ED%A0%80`],
  ["id-sql", () => encodeURIComponent("' OR '1'='1")],
  ["id-random", () => ""],
];

export function pathMutations(op: Operation, ctx: BuildContext): FuzzRequest[] {
  return op.params
    .filter((p) => p.in === "path")
    .flatMap((param) =>
      BAD_IDS.map(([label, make]) => {
        const prefix = /^([a-z]+)_/.exec(String(param.schema.example ?? ""))?.[1] ?? "id";
        const raw = make(prefix) || randomId(param.schema, ctx.rng);
        const request = validRequest(op, ctx, { real: true, mutation: `${label}:${param.name}` });
        return { ...request, url: fillPath(op, ctx, true, { name: param.name, raw }) };
      }),
    );
}

export function queryMutations(op: Operation, ctx: BuildContext): FuzzRequest[] {
  const query = op.params.filter((p) => p.in === "query");
  if (query.length === 0) return [];
  const path = fillPath(op, ctx, true);
  const cases: [string, string][] = [["unknown-param", "zz_unknown=1"]];
  for (const p of query) {
    const s = ctx.resolve(p.schema);
    if (typesOf(s).includes("integer")) {
      for (const v of ["0", "-1", "101", "1e308", "abc", "1.5", "99999999999999999999999", "", "NaN"])
        cases.push([`${p.name}=${v || "(empty)"}`, `${p.name}=${v}`]);
      cases.push([`${p.name} twice`, `${p.name}=1&${p.name}=2`]);
    } else if (s.enum) {
      cases.push([`${p.name}=bogus`, `${p.name}=bogus`]);
    } else {
      cases.push([`${p.name}=200-chars`, `${p.name}=${"c".repeat(200)}`]);
      cases.push([`${p.name}=%00`, `${p.name}=%00`]);
      cases.push([`${p.name}=unicode`, `${p.name}=${encodeURIComponent("\u6f22\u{1F600}")}`]);
    }
  }
  return cases.map(([label, q]) => ({ ...validRequest(op, ctx, { real: true, mutation: `query:${label}` }), url: `${path}?${q}` }));
}

/** Malformed or misplaced credentials (for `key`, the tenant's real key inside a wrong frame). */
/** Client-chosen request ids: echoed when well-formed, replaced otherwise, always header == body. */
export function requestIdMutations(op: Operation, ctx: BuildContext): FuzzRequest[] {
  const variants: [string, string][] = [
    ["x-request-id:plain", "fuzz-request-1"],
    ["x-request-id:300-chars", "r".repeat(300)],
    ["x-request-id:punctuation", "a b<c>\"d';--"],
    ["x-request-id:empty", ""],
  ];
  const [label, value] = ctx.rng.pick(variants);
  // Mostly failing requests (no credential), so the id lands in an error envelope.
  const request = validRequest(op, ctx, { real: true, mutation: label, credential: ctx.rng.chance(0.7) ? "none" : "key" });
  return [{ ...request, headers: { ...request.headers, "X-Request-Id": value } }];
}

export function authMutations(op: Operation, ctx: BuildContext, key: string): FuzzRequest[] {
  const variants: [string, string][] = [
    ["auth:Bearer-empty", "Bearer"],
    ["auth:Bearer-space", "Bearer "],
    ["auth:Basic", "Basic dXNlcjpwYXNz"],
    ["auth:Bearer-10000", `Bearer sk_${"z".repeat(10_000)}`],
    ["auth:lowercase-scheme", `bearer ${key}`],
    ["auth:double-space", `Bearer  ${key}`],
    ["auth:key-suffix", `Bearer ${key}x`],
    ["auth:Token-scheme", `Token ${key}`],
    ["auth:jwt-shaped", `Bearer ${ctx.fx.licenseToken}`],
  ];
  const chosen = [ctx.rng.pick(variants), ctx.rng.pick(variants)];
  return chosen.map(([label, value]) => {
    const request = validRequest(op, ctx, { real: true, mutation: label, credential: "none" });
    return { ...request, headers: { ...request.headers, Authorization: value } };
  });
}
