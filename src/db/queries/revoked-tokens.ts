import { and, eq } from "drizzle-orm";
import type { Database } from "../client";
import { licenses, revokedTokens } from "../schema";

/** Records a revocation; revoking twice keeps the first record (idempotent). */
export async function recordRevocation(
  db: Database,
  input: { tenantId: string; jti: string; licenseId: string | null; expiresAt: Date; revokedBy: string },
): Promise<void> {
  await db.insert(revokedTokens).values(input).onConflictDoNothing({ target: [revokedTokens.tenantId, revokedTokens.jti] });
}

export async function licenseBelongsTo(db: Database, licenseId: string, tenantId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: licenses.id })
    .from(licenses)
    .where(and(eq(licenses.id, licenseId), eq(licenses.tenantId, tenantId)))
    .limit(1);
  return row !== undefined;
}
