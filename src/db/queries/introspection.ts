// Introspection's single round trip: the caller's API key, the token's license (only if it belongs
// to the caller's tenant) and the token's revocation record, in one statement.
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { apiKeys, licenses, revokedTokens, tenants, userTokens } from "../schema";
import { credentialColumns, type CredentialRow } from "./api-keys";

export async function introspectionLookup(db: Database, input: { keyHash: string; licenseId: string; jti: string }) {
  const [row] = await db
    .select({
      key: credentialColumns,
      license: { id: licenses.id, status: licenses.status, expiresAt: licenses.expiresAt },
      tokenRevoked: sql<boolean>`exists(select 1 from ${revokedTokens} r where r.tenant_id = ${apiKeys.tenantId} and r.jti = ${input.jti})`,
    })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .leftJoin(userTokens, eq(userTokens.id, apiKeys.userTokenId))
    // Tenant isolation in the join itself: another tenant's license is simply absent.
    .leftJoin(licenses, and(eq(licenses.id, input.licenseId), eq(licenses.tenantId, apiKeys.tenantId)))
    .where(eq(apiKeys.keyHash, input.keyHash))
    .limit(1);
  if (!row) return undefined;
  return {
    key: row.key as CredentialRow,
    license: row.license,
    tokenRevoked: row.tokenRevoked,
  };
}
