// Bearer credentials (API keys `sk_`, access tokens `at_`) and user tokens, stored by SHA-256
// hash only. Authentication reads a credential, its tenant's plan tier and its user token in one
// round trip over the HTTP query path; the rest runs in the request's transactions.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { CredentialKind, Permission } from "../../contract/permissions";
import type { PlanTier } from "../../contract/tokens";
import type { Database, Queryable, RowsFn, Tx } from "../client";
import { apiKeys, userTokens } from "../schema";
import { compact, selectList } from "./columns";
import { listPage, type Page, type PageRequest } from "./pagination";

export interface CredentialRow {
  id: string;
  tenantId: string;
  kind: CredentialKind;
  permissions: Permission[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  userTokenGeneration: number | null;
  planTier: PlanTier;
  currentUserTokenGeneration: number | null;
  userTokenRevokedAt: Date | null;
  /** The user token behind an access token, or behind a key created through one. */
  userTokenId: string | null;
}

/** What authentication needs of a credential, selected from CREDENTIAL_FROM (`k`, `t`, `u`). */
export const CREDENTIAL_COLUMNS = selectList<CredentialRow>({
  id: "k.id",
  tenantId: "k.tenant_id",
  kind: "k.kind",
  permissions: "k.permissions",
  expiresAt: "k.expires_at",
  revokedAt: "k.revoked_at",
  lastUsedAt: "k.last_used_at",
  userTokenGeneration: "k.user_token_generation",
  planTier: "t.plan_tier",
  currentUserTokenGeneration: "u.generation",
  userTokenRevokedAt: "u.revoked_at",
  userTokenId: "k.user_token_id",
});

export const CREDENTIAL_FROM = "api_keys k join tenants t on t.id = k.tenant_id left join user_tokens u on u.id = k.user_token_id";

const FIND_CREDENTIAL = compact(`select ${CREDENTIAL_COLUMNS.sql} from ${CREDENTIAL_FROM} where k.key_hash = $1 limit 1`);

/** One round trip: the credential, its tenant's plan tier and (access tokens) its user token. */
export async function findApiKeyByHash(rows: RowsFn, keyHash: string): Promise<CredentialRow | undefined> {
  const [row] = await rows(FIND_CREDENTIAL, [keyHash]);
  return row ? CREDENTIAL_COLUMNS.read(row) : undefined;
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

/** A new token value and the next generation (which ends every access token of the one before). */
export async function refreshUserTokenRow(tx: Tx, id: string, tokenHash: string): Promise<UserTokenRow> {
  const [row] = await tx
    .update(userTokens)
    .set({ tokenHash, generation: sql`${userTokens.generation} + 1`, updatedAt: new Date() })
    .where(eq(userTokens.id, id))
    .returning();
  return row!;
}

export async function updateUserTokenRow(tx: Tx, id: string, values: Partial<typeof userTokens.$inferInsert>): Promise<UserTokenRow> {
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

/** A tenant's API key (not an access token). */
export async function getApiKey(db: Queryable, tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), eq(apiKeys.kind, "api_key")));
  return row;
}

/** A tenant's API keys; access tokens are not listed (they live 24 h and belong to their user token). */
export const listApiKeys = (db: Queryable, tenantId: string, page: PageRequest): Promise<Page<ApiKeyRow>> =>
  listPage(db, apiKeys, tenantId, page, eq(apiKeys.kind, "api_key"));

export const listUserTokens = (db: Queryable, tenantId: string, page: PageRequest): Promise<Page<UserTokenRow>> => listPage(db, userTokens, tenantId, page);
