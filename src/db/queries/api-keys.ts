import { eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { apiKeys, tenants, userTokens } from "../schema";
import type { Permission } from "../../services/permissions";

/** What authentication needs of a bearer credential (select with `credentialJoins`). */
export const credentialColumns = {
  id: apiKeys.id,
  tenantId: apiKeys.tenantId,
  kind: apiKeys.kind,
  permissions: apiKeys.permissions,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  lastUsedAt: apiKeys.lastUsedAt,
  userTokenGeneration: apiKeys.userTokenGeneration,
  planTier: tenants.planTier,
  currentUserTokenGeneration: userTokens.generation,
  userTokenRevokedAt: userTokens.revokedAt,
};

export interface CredentialRow {
  id: string;
  tenantId: string;
  kind: "api_key" | "access_token";
  permissions: Permission[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  userTokenGeneration: number | null;
  planTier: "free" | "pro" | "enterprise";
  currentUserTokenGeneration: number | null;
  userTokenRevokedAt: Date | null;
}

/**
 * Whether a credential may be used now: not revoked, not expired, and for an access token, issued
 * from the user token's current generation of a user token that is not revoked.
 */
export function credentialUsable(row: CredentialRow, now: number): boolean {
  if (row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return false;
  if (row.kind === "access_token") {
    return row.userTokenRevokedAt === null && row.currentUserTokenGeneration !== null && row.currentUserTokenGeneration === row.userTokenGeneration;
  }
  return true;
}

/** One round trip: the credential, its tenant's plan tier and (access tokens) its user token. */
export async function findApiKeyByHash(db: Database, keyHash: string): Promise<CredentialRow | undefined> {
  const [row] = await db
    .select(credentialColumns)
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .leftJoin(userTokens, eq(userTokens.id, apiKeys.userTokenId))
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  return row as CredentialRow | undefined;
}

export async function touchApiKey(db: Database, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}
