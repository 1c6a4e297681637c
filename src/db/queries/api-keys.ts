import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Permission } from "../../contract/permissions";
import type { Database, Queryable, RowsFn, Tx } from "../client";
import { apiKeys, userTokens } from "../schema";

/**
 * What authentication needs of a bearer credential: the key, its tenant's plan tier and, for access
 * tokens, its user token. Selected as `k`/`t`/`u` (see CREDENTIAL_FROM), read by `credentialFrom`.
 */
export const CREDENTIAL_COLUMNS =
  "k.id, k.tenant_id, k.kind, k.permissions, k.expires_at, k.revoked_at, k.last_used_at, k.user_token_generation, t.plan_tier, u.generation, u.revoked_at, k.user_token_id";
export const CREDENTIAL_FROM = "api_keys k join tenants t on t.id = k.tenant_id left join user_tokens u on u.id = k.user_token_id";
export const CREDENTIAL_COLUMN_COUNT = 12;

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
    userTokenId: r[11] as string | null,
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
  /** The user token behind an access token, or behind a key created through one. */
  userTokenId: string | null;
}

/**
 * Whether a credential may be used now: not revoked, not expired, and when it stems from a user
 * token (every access token, and every key created through one), issued from that user token's
 * current generation while it is not revoked.
 */
export function credentialUsable(row: CredentialRow, now: number): boolean {
  if (row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return false;
  if (row.kind === "access_token" || row.userTokenId !== null) {
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

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type UserTokenRow = typeof userTokens.$inferSelect;

/** A tenant's API key (not an access token), row-locked for the rest of the transaction. */
export async function lockApiKey(tx: Tx, tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), eq(apiKeys.kind, "api_key")))
    .for("update");
  return row;
}

export async function insertApiKey(db: Queryable, values: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [row] = await db.insert(apiKeys).values(values).returning();
  return row!;
}

export async function updateApiKeyRow(tx: Tx, id: string, values: Partial<typeof apiKeys.$inferInsert>): Promise<ApiKeyRow> {
  const [row] = await tx.update(apiKeys).set(values).where(eq(apiKeys.id, id)).returning();
  return row!;
}

/** A tenant's user token, row-locked for the rest of the transaction. */
export async function lockUserToken(tx: Tx, tenantId: string, id: string): Promise<UserTokenRow | undefined> {
  const [row] = await tx
    .select()
    .from(userTokens)
    .where(and(eq(userTokens.tenantId, tenantId), eq(userTokens.id, id)))
    .for("update");
  return row;
}

export async function insertUserToken(db: Queryable, values: typeof userTokens.$inferInsert): Promise<UserTokenRow> {
  const [row] = await db.insert(userTokens).values(values).returning();
  return row!;
}

export async function updateUserTokenRow(
  tx: Tx,
  id: string,
  values: Partial<typeof userTokens.$inferInsert> | { tokenHash: string; generation: SQL; updatedAt: Date },
): Promise<UserTokenRow> {
  const [row] = await tx.update(userTokens).set(values).where(eq(userTokens.id, id)).returning();
  return row!;
}

/** The live user token with this hash, for the exchange. */
export async function findLiveUserTokenByHash(db: Queryable, tokenHash: string): Promise<UserTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, tokenHash), isNull(userTokens.revokedAt)));
  return row;
}
