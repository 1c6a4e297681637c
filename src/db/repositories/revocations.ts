// Revoked license tokens in Postgres: the source of truth behind the KV denylist.
import { and, eq, lt } from "drizzle-orm";
import type { Queryable } from "../client";
import { revokedTokens } from "../schema";

/** Records a revocation; revoking twice keeps the first record (idempotent). True when it is new. */
export async function recordRevocation(
  db: Queryable,
  input: { tenantId: string; jti: string; licenseId: string | null; expiresAt: Date; revokedBy: string },
): Promise<boolean> {
  const inserted = await db
    .insert(revokedTokens)
    .values(input)
    .onConflictDoNothing({ target: [revokedTokens.tenantId, revokedTokens.jti] })
    .returning({ jti: revokedTokens.jti });
  return inserted.length > 0;
}

export async function isRevoked(db: Queryable, tenantId: string, jti: string): Promise<boolean> {
  const [row] = await db
    .select({ jti: revokedTokens.jti })
    .from(revokedTokens)
    .where(and(eq(revokedTokens.tenantId, tenantId), eq(revokedTokens.jti, jti)))
    .limit(1);
  return row !== undefined;
}

/** Drops revocations of tokens that expired before `before`. */
export async function sweepRevocations(db: Queryable, before: Date): Promise<void> {
  await db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, before));
}
