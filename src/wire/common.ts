// Response shapes every route shares: the error envelope and its OpenAPI entries, timestamps, pages.
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
    statuses.map((status) => [status, { description: DESCRIPTIONS[status]!, content: { "application/json": { schema: ErrorSchema } } }]),
  );
}

export const Timestamp = z.string().datetime({ offset: true }).openapi({ example: "2026-11-22T20:15:00.000Z" });

/** A page of `item`s. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

/** ISO 8601 of a stored time, or null. */
export const iso = (d: Date | null) => d?.toISOString() ?? null;
