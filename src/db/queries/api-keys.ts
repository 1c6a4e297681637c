import { eq, sql } from "drizzle-orm";
import type { Database, RowsFn } from "../client";
import { apiKeys } from "../schema";
import type { Permission } from "../../services/permissions";

/**
 * What authentication needs of a bearer credential: the key, its tenant's plan tier and, for access
 * tokens, its user token. Selected as `k`/`t`/`u` (see CREDENTIAL_FROM), read by `credentialFrom`.
 */
export const CREDENTIAL_COLUMNS =
  "k.id, k.tenant_id, k.kind, k.permissions, k.expires_at, k.revoked_at, k.last_used_at, k.user_token_generation, t.plan_tier, u.generation, u.revoked_at";
export const CREDENTIAL_FROM = "api_keys k join tenants t on t.id = k.tenant_id left join user_tokens u on u.id = k.user_token_id";
export const CREDENTIAL_COLUMN_COUNT = 11;

/** Maps the CREDENTIAL_COLUMNS of a positional row, starting at `offset`. */
export function credentialFrom(row: unknown[], offset = 0): CredentialRow {
  const r = row.slice(offset, offset + CREDENTIAL_COLUMN_COUNT);
  return {
    id: r[0] as string,
    tenantId: r[1] as string,
    kind: r[2] as CredentialRow["kind"],
    permissions: r[3] as Permission[],
    expiresAt: r[4] as Date | null,
    revokedAt: r[5] as Date | null,
    lastUsedAt: r[6] as Date | null,
    userTokenGeneration: r[7] as number | null,
    planTier: r[8] as CredentialRow["planTier"],
    currentUserTokenGeneration: r[9] as number | null,
    userTokenRevokedAt: r[10] as Date | null,
  };
}

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

const FIND_CREDENTIAL = `select ${CREDENTIAL_COLUMNS} from ${CREDENTIAL_FROM} where k.key_hash = $1 limit 1`;

/** One round trip: the credential, its tenant's plan tier and (access tokens) its user token. */
export async function findApiKeyByHash(rows: RowsFn, keyHash: string): Promise<CredentialRow | undefined> {
  const [row] = await rows(FIND_CREDENTIAL, [keyHash]);
  return row ? credentialFrom(row) : undefined;
}

export async function touchApiKey(db: Database, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}
