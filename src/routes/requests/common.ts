// Request pieces the routes share: JSON bodies, free-form metadata within limits, pagination and
// path ids. Response shapes are src/wire's.
import { z } from "@hono/zod-openapi";
import { METADATA_LIMITS, metadataSchema } from "../../contract/device-fields";

/** A JSON request body that must be present and match `schema` exactly (unknown keys refused). */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } } as const;
}

/** Free-form JSON metadata, bounded (contract/device-fields.ts): at most 4 levels deep, 64 keys in all and 16 KB. */
export const Metadata = metadataSchema().openapi({
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

export const LicenseUserParams = z.object({ id: pathId("id", "lic"), user_id: pathId("user_id", "user") });

export const UserIdParam = z.object({ user_id: pathId("user_id", "user") });

export const LeaseParams = z.object({ id: pathId("id", "lic"), lease_id: pathId("lease_id", "lse") });

export const DeliveryParams = z.object({ id: pathId("id", "whk"), delivery_id: pathId("delivery_id", "dlv") });
