// Request pieces the routes share: JSON bodies, free-form metadata within limits, pagination and
// path ids. Response shapes are src/wire's.
import { z } from "@hono/zod-openapi";

/** A JSON request body that must be present and match `schema` exactly (unknown keys refused). */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } } as const;
}

export const METADATA_LIMITS = { depth: 4, keys: 64, bytes: 16 * 1024 } as const;

/**
 * What is wrong with a metadata value, if anything. Walks it with an explicit stack and stops at
 * the first level past the depth limit, so a body of thousands of nested arrays costs no more
 * than the limit (a recursive walk overflowed the stack on one).
 */
export function metadataProblem(value: Record<string, unknown>): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  let keys = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > METADATA_LIMITS.depth) return `Metadata may nest at most ${METADATA_LIMITS.depth} levels.`;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) {
      keys += children.length;
      if (keys > METADATA_LIMITS.keys) return `Metadata may hold at most ${METADATA_LIMITS.keys} keys.`;
    }
    for (const child of children) stack.push([child, depth + 1]);
  }
  if (new TextEncoder().encode(JSON.stringify(value)).length > METADATA_LIMITS.bytes) return `Metadata may be at most ${METADATA_LIMITS.bytes} bytes.`;
  return undefined;
}

/** Free-form JSON metadata, bounded: at most 4 levels deep, 64 keys in all and 16 KB. */
export const Metadata = z
  .record(z.string().max(128), z.unknown())
  .superRefine((value, ctx) => {
    const problem = metadataProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({
    description: "Free-form JSON object: at most 4 levels, 64 keys in all, 16 KB",
    maxProperties: METADATA_LIMITS.keys,
    example: { seat: "design" },
  });

/** `limit` and `starting_after` on every list. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: "Items per page (1-100, default 20)" }),
  starting_after: z.string().min(1).max(64).optional().openapi({ description: "The `next_cursor` of the previous page" }),
});

/** Ids are short and plain: anything else (over-long, NUL, `..`) is malformed (422), never queried. */
const pathId = (name: string, prefix: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Not an id: at most 64 letters, digits, `_` and `-`.")
    .openapi({ param: { name, in: "path" }, example: `${prefix}_...` });

export const IdParam = (prefix: string) => z.object({ id: pathId("id", prefix) });

export const ActivationParams = z.object({ id: pathId("id", "lic"), activation_id: pathId("activation_id", "act") });

export const LeaseParams = z.object({ id: pathId("id", "lic"), lease_id: pathId("lease_id", "lse") });
