// The audit log: append-only and hash-chained per tenant. Each row's hash is
// SHA-256(prev_hash || canonical row), so editing, deleting or reordering any row breaks the chain
// from that row on; GET /v1/audit-log/verify recomputes it.
import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import type { Tx } from "../db/queries/activations";
import { auditLog } from "../db/schema";
import { sha256Hex } from "../crypto/hash";
import { randomBase58 } from "../crypto/random";
import { redact } from "../logging";

/** The chain's first `prev_hash`. */
export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

type AuditRow = typeof auditLog.$inferSelect;

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Every field but the hashes, in a fixed order. */
export const canonicalRow = (row: Omit<AuditRow, "prevHash" | "hash">) =>
  canonicalJson([row.tenantId, row.seq, row.id, row.actor, row.action, row.targetType, row.targetId, row.requestId ?? null, row.details, row.createdAt.toISOString()]);

export const chainHash = (prevHash: string, row: Omit<AuditRow, "prevHash" | "hash">) => sha256Hex(prevHash + canonicalRow(row));

/**
 * Appends inside the caller's transaction, so the row commits with the change it records. A
 * transaction-scoped advisory lock per tenant serialises appends, keeping `seq` gapless.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${entry.tenantId}`}, 0))`);
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.tenantId, entry.tenantId))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const row = {
    tenantId: entry.tenantId,
    seq: (last?.seq ?? 0) + 1,
    id: `aud_${randomBase58(22)}`,
    actor: entry.actor,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    requestId: entry.requestId ?? null,
    // Details are for people: never a secret, whatever the caller passed.
    details: redact(entry.details ?? {}) as Record<string, unknown>,
    createdAt: new Date(),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await tx.insert(auditLog).values({ ...row, prevHash, hash: await chainHash(prevHash, row) });
}

export type ChainReport =
  | { ok: true; count: number }
  | { ok: false; count: number; broken_at: { seq: number; id: string; reason: "sequence_gap" | "prev_hash_mismatch" | "hash_mismatch" } };

/** Recomputes the tenant's whole chain, a page at a time; reports the first broken row. */
export async function verifyChain(db: Database, tenantId: string, pageSize = 1000): Promise<ChainReport> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), gt(auditLog.seq, expectedSeq - 1)))
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    for (const row of rows) {
      const broken = (reason: "sequence_gap" | "prev_hash_mismatch" | "hash_mismatch"): ChainReport => ({
        ok: false,
        count,
        broken_at: { seq: row.seq, id: row.id, reason },
      });
      if (row.seq !== expectedSeq) return broken("sequence_gap");
      if (row.prevHash !== prevHash) return broken("prev_hash_mismatch");
      if (row.hash !== (await chainHash(prevHash, row))) return broken("hash_mismatch");
      prevHash = row.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < pageSize) return { ok: true, count };
  }
}
