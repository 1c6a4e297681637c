import { and, eq } from "drizzle-orm";
import type { Queryable } from "../client";
import { licenses, revokedTokens } from "../schema";

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

export async function licenseBelongsTo(db: Queryable, licenseId: string, tenantId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: licenses.id })
    .from(licenses)
    .where(and(eq(licenses.id, licenseId), eq(licenses.tenantId, tenantId)))
    .limit(1);
  return row !== undefined;
}
