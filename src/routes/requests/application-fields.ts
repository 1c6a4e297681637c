// Writable application fields, for the update (PATCH) body; the create body validates `name` alike.
import { z } from "@hono/zod-openapi";

export const ApplicationFields = {
  name: z.string().trim().min(1).max(200),
};
