// Introspection's single round trip: the caller's API key, the token's license (only if it belongs
// to the caller's tenant) and the token's revocation record, in one statement.
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { apiKeys, licenses, revokedTokens, tenants } from "../schema";
import type { Permission } from "../../services/permissions";

export async function introspectionLookup(db: Database, input: { keyHash: string; licenseId: string; jti: string }) {
  const [row] = await db
    .select({
      key: {
        id: apiKeys.id,
        tenantId: apiKeys.tenantId,
        permissions: apiKeys.permissions,
        expiresAt: apiKeys.expiresAt,
        revokedAt: apiKeys.revokedAt,
        lastUsedAt: apiKeys.lastUsedAt,
        planTier: tenants.planTier,
      },
      license: { id: licenses.id, status: licenses.status, expiresAt: licenses.expiresAt },
      tokenRevoked: sql<boolean>`exists(select 1 from ${revokedTokens} r where r.tenant_id = ${apiKeys.tenantId} and r.jti = ${input.jti})`,
    })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    // Tenant isolation in the join itself: another tenant's license is simply absent.
    .leftJoin(licenses, and(eq(licenses.id, input.licenseId), eq(licenses.tenantId, apiKeys.tenantId)))
    .where(eq(apiKeys.keyHash, input.keyHash))
    .limit(1);
  if (!row) return undefined;
  return {
    key: { ...row.key, permissions: row.key.permissions as Permission[] },
    license: row.license,
    tokenRevoked: row.tokenRevoked,
  };
}
