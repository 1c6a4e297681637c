// Applications on the wire.
import { z } from "@hono/zod-openapi";
import type { ApplicationRow } from "../db/repositories/applications";
import { Timestamp } from "./common";

export const Application = z.object({ id: z.string(), name: z.string(), created_at: Timestamp, updated_at: Timestamp }).openapi("Application");

export const applicationBody = (row: ApplicationRow) => ({
  id: row.id,
  name: row.name,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});
