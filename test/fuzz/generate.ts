// Schema-valid JSON from the document's JSON Schemas: what a well-behaved client could send.
// Covers what the document uses: $ref, type (and type arrays / nullable), properties, required,
// additionalProperties, enum, const, anyOf/oneOf/allOf, items with minItems/maxItems,
// minLength/maxLength, minimum/maximum, the date-time/uri/uuid formats and defaults.

import type { Schema } from "./openapi";
import type { Rng } from "./prng";

export interface GenerateOptions {
  rng: Rng;
  resolve: (schema: Schema) => Schema;
  /**
   * Values for properties by name (a real license key, the tenant's policy id): a random string
   * is schema-valid but only reaches the 404 branch, a real id reaches the handler's success path.
   */
  hints?: Record<string, () => unknown>;
}

const MAX_DEPTH = 4;

export function generate(schema: Schema, options: GenerateOptions, depth = 0): unknown {
  const { rng } = options;
  const s = options.resolve(schema);
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return structuredClone(rng.pick(s.enum));
  if (s.default !== undefined && rng.chance(0.15)) return structuredClone(s.default);
  if (Array.isArray(s.allOf)) {
    return Object.assign({}, ...s.allOf.map((part: Schema) => generate(part, options, depth)));
  }
  const choices = s.anyOf ?? s.oneOf;
  if (Array.isArray(choices)) return generate(rng.pick(choices), options, depth);

  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (s.nullable === true) types.push("null");
  let type = types.length > 0 ? pickType(types, rng) : s.properties ? "object" : s.items ? "array" : "any";
  if (type === "any") type = depth >= MAX_DEPTH ? "string" : rng.pick(["string", "integer", "boolean", "object", "array"]);

  switch (type) {
    case "null":
      return null;
    case "boolean":
      return rng.chance(0.5);
    case "integer":
      return integerIn(s, rng);
    case "number":
      return rng.chance(0.5) ? integerIn(s, rng) : Math.min(integerIn(s, rng) + rng.next(), s.maximum ?? Infinity);
    case "string":
      return stringFor(s, rng);
    case "array":
      return arrayFor(s, options, depth);
    default:
      return objectFor(s, options, depth);
  }
}

/** `null` is one choice among the others, rarely: most runs should exercise the value itself. */
function pickType(types: string[], rng: Rng): string {
  const concrete = types.filter((t) => t !== "null");
  if (concrete.length === 0 || (types.includes("null") && rng.chance(0.2))) return "null";
  return rng.pick(concrete);
}

function integerIn(s: Schema, rng: Rng): number {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : min + 1000);
  const roll = rng.next();
  if (roll < 0.15) return min;
  if (roll < 0.3) return max;
  return rng.int(min, Math.min(max, min + 100_000));
}

function stringFor(s: Schema, rng: Rng): string {
  switch (s.format) {
    case "date-time":
      // Mostly in the future: expiry fields refuse the past, which only tests one branch.
      return new Date(Date.now() + rng.int(-2, 400) * 86_400_000 + rng.int(0, 86_399_999)).toISOString();
    case "uri":
    case "url":
      return `https://example.com/${rng.string(rng.int(1, 12))}`;
    case "uuid":
      return `${rng.string(8, HEX)}-${rng.string(4, HEX)}-4${rng.string(3, HEX)}-a${rng.string(3, HEX)}-${rng.string(12, HEX)}`;
    case "email":
      return `${rng.string(rng.int(1, 10)).toLowerCase()}@example.com`;
  }
  const min = s.minLength ?? 0;
  // Now and then exactly the longest allowed (bounded: every body must fit in 16 KB).
  if (s.maxLength !== undefined && s.maxLength <= 4096 && rng.chance(0.1)) return rng.string(s.maxLength);
  const max = Math.min(s.maxLength ?? min + 24, min + 24);
  return rng.string(rng.int(min, max));
}

const HEX = "0123456789abcdef";

function arrayFor(s: Schema, options: GenerateOptions, depth: number): unknown[] {
  const { rng } = options;
  const min = s.minItems ?? 0;
  const max = Math.min(s.maxItems ?? min + 3, min + 3);
  const length = rng.int(min, max);
  const items = options.resolve(s.items ?? {});
  // Distinct values from an enum (permissions, event types): duplicates are a separate question.
  if (Array.isArray(items.enum)) {
    const pool = [...items.enum];
    const out: unknown[] = [];
    while (out.length < Math.min(length, items.enum.length)) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
    return out;
  }
  return Array.from({ length }, () => generate(items, options, depth + 1));
}

function objectFor(s: Schema, options: GenerateOptions, depth: number): Record<string, unknown> {
  const { rng, hints } = options;
  const out: Record<string, unknown> = {};
  const required = new Set<string>(s.required ?? []);
  for (const [name, property] of Object.entries<Schema>(s.properties ?? {})) {
    if (!required.has(name) && !rng.chance(0.5)) continue;
    const hint = hints?.[name];
    out[name] = hint && rng.chance(0.85) ? hint() : generate(property, options, depth + 1);
  }
  // A free-form record (metadata): a few keys of any kind, kept shallow.
  const additional = s.additionalProperties;
  if (!s.properties && additional !== undefined && additional !== false && depth < MAX_DEPTH - 1) {
    const valueSchema = additional === true ? {} : additional;
    for (let i = rng.int(0, 3); i > 0; i--) out[rng.string(rng.int(1, 10))] = generate(valueSchema, options, depth + 2);
  }
  return out;
}
