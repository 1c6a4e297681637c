// Schema pieces shared by routes: the error envelope and its OpenAPI response entries.
import { z } from "@hono/zod-openapi";
import { ERROR_STATUS, type ErrorCode } from "../errors";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      request_id: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request (e.g. invalid JSON)",
  401: "Missing or invalid credentials",
  403: "The credential lacks a required permission",
  404: "Not found (including another tenant's resources)",
  409: "Conflict with the current state",
  413: "Request body larger than the limit",
  415: "Body is not application/json",
  422: "Request failed schema validation",
  429: "Rate limit exceeded",
  503: "A backing service is unavailable; retry after `Retry-After`",
};

/** OpenAPI `responses` entries for the given error statuses, all with the error envelope. */
export function errorResponses(...statuses: (keyof typeof DESCRIPTIONS)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: DESCRIPTIONS[status]!, content: { "application/json": { schema: ErrorSchema } } },
    ]),
  );
}

/** A JSON request body that must be present and match `schema` exactly (unknown keys refused). */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } } as const;
}

export const Timestamp = z.string().datetime({ offset: true }).openapi({ example: "2026-11-22T20:15:00.000Z" });

/** Depth (objects/arrays nested in each other) and total key count of a JSON value. */
function jsonShape(value: unknown, depth = 1): { depth: number; keys: number } {
  if (value === null || typeof value !== "object") return { depth: depth - 1, keys: 0 };
  const children = Array.isArray(value) ? value : Object.values(value);
  let deepest = depth;
  let keys = Array.isArray(value) ? 0 : children.length;
  for (const child of children) {
    const shape = jsonShape(child, depth + 1);
    deepest = Math.max(deepest, shape.depth);
    keys += shape.keys;
  }
  return { depth: deepest, keys };
}

export const METADATA_LIMITS = { depth: 4, keys: 64, bytes: 16 * 1024 } as const;

/** Free-form JSON metadata, bounded: at most 4 levels deep, 64 keys in all and 16 KB. */
export const Metadata = z
  .record(z.string().max(128), z.unknown())
  .superRefine((value, ctx) => {
    const shape = jsonShape(value);
    if (shape.depth > METADATA_LIMITS.depth) ctx.addIssue({ code: "custom", message: `Metadata may nest at most ${METADATA_LIMITS.depth} levels.` });
    if (shape.keys > METADATA_LIMITS.keys) ctx.addIssue({ code: "custom", message: `Metadata may hold at most ${METADATA_LIMITS.keys} keys.` });
    if (new TextEncoder().encode(JSON.stringify(value)).length > METADATA_LIMITS.bytes) {
      ctx.addIssue({ code: "custom", message: `Metadata may be at most ${METADATA_LIMITS.bytes} bytes.` });
    }
  })
  .openapi({ description: "Free-form JSON object: at most 4 levels, 64 keys, 16 KB", example: { seat: "design" } });

/** `limit` and `starting_after` on every list. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: "Items per page (1-100, default 20)" }),
  starting_after: z.string().min(1).max(64).optional().openapi({ description: "The `next_cursor` of the previous page" }),
});

/** A page of `item`s. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });
