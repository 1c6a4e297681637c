// The audit log: append-only and hash-chained per tenant. Each row's hash is
// SHA-256(prev_hash || canonical row), so editing, deleting or reordering any row breaks the chain
// from that row on; GET /v1/audit-log/verify recomputes it.
import { sha256Hex } from "../crypto/hash";
import { newId } from "../crypto/random";
import type { Database, Tx } from "../db/client";
import { type AuditRow, insertAuditRow, listAuditRows, lockChainHead, readChain, type StoredAuditRow } from "../db/repositories/audit";
import type { PageRequest } from "../db/repositories/pagination";
import { redact } from "../logging";
import { requireActor } from "./actor";
import type { ServiceDeps } from "./context";

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

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * `created_at` as hashed: Postgres keeps microseconds, so the hash covers them. A time with whole
 * milliseconds (every row this service writes) reads as JavaScript's ISO form, which keeps chains
 * written before microseconds were hashed valid; any other microsecond value is part of the text.
 */
export function canonicalTime(createdAt: Date | string): string {
  if (createdAt instanceof Date) return createdAt.toISOString();
  // `YYYY-MM-DDTHH:MI:SS.uuuuuuZ` as read back by verifyChain.
  return createdAt.endsWith("000Z") ? `${createdAt.slice(0, -4)}Z` : createdAt;
}

type HashedRow = Omit<AuditRow, "prevHash" | "hash" | "createdAt"> & { createdAt: Date | string };

/** Every field but the hashes, in a fixed order. */
export const canonicalRow = (row: HashedRow) =>
  canonicalJson([
    row.tenantId,
    row.seq,
    row.id,
    row.actor,
    row.action,
    row.targetType,
    row.targetId,
    row.requestId ?? null,
    row.details,
    canonicalTime(row.createdAt),
  ]);

export const chainHash = (prevHash: string, row: HashedRow) => sha256Hex(prevHash + canonicalRow(row));

/**
 * Appends inside the caller's transaction, so the row commits with the change it records. A
 * transaction-scoped advisory lock per tenant serialises appends, keeping `seq` gapless.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const last = await lockChainHead(tx, entry.tenantId);
  const row = {
    tenantId: entry.tenantId,
    seq: (last?.seq ?? 0) + 1,
    id: newId("aud"),
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
  await insertAuditRow(tx, { ...row, prevHash, hash: await chainHash(prevHash, row) });
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
    const rows: StoredAuditRow[] = await readChain(db, tenantId, expectedSeq - 1, pageSize);
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

export function auditService(deps: ServiceDeps) {
  const tenantId = () => requireActor(deps).tenantId;
  return {
    list: (page: PageRequest, filter: { action?: string } = {}) => listAuditRows(deps.db(), tenantId(), page, filter),
    verify: () => verifyChain(deps.db(), tenantId()),
  };
}
