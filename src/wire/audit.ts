// Audit log rows on the wire, with their chain hashes.
import { z } from "@hono/zod-openapi";
import type { AuditRow } from "../db/repositories/audit";
import { Timestamp } from "./common";

export const AuditEntry = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    actor: z.string().openapi({ description: "The credential id (`key_...`), or `operator`" }),
    action: z.string(),
    target_type: z.string(),
    target_id: z.string(),
    request_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    prev_hash: z.string(),
    hash: z.string(),
    created_at: Timestamp,
  })
  .openapi("AuditEntry");

export const auditEntryBody = (row: AuditRow) => ({
  id: row.id,
  seq: row.seq,
  actor: row.actor,
  action: row.action,
  target_type: row.targetType,
  target_id: row.targetId,
  request_id: row.requestId,
  details: row.details,
  prev_hash: row.prevHash,
  hash: row.hash,
  created_at: row.createdAt.toISOString(),
});
