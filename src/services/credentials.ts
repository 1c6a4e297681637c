// API keys, user tokens and access tokens: creation (secret shown once), rotation with an overlap
// window, revocation, expiry changes and the user-token exchange. Secrets are stored only as
// SHA-256 hashes. The rules every operation follows:
// - a credential can only create, rotate, refresh, revoke or re-date credentials whose
//   permissions it holds itself (no operation hands out or takes away more than the caller has);
// - expired, revoked and rotated-out credentials stay dead: nothing brings them back;
// - what an access token creates or re-dates never outlives it: a key created through one expires
//   no later than it and stops with its user token (revoked or refreshed); user tokens are only
//   created and refreshed with API keys.
import { sql } from "drizzle-orm";
import type { Permission } from "../contract/permissions";
import { sha256Hex } from "../crypto/hash";
import { newAccessToken, newApiKey, newId, visiblePrefix } from "../crypto/random";
import type { Queryable, Tx } from "../db/client";
import {
  type ApiKeyRow,
  findLiveUserTokenByHash,
  insertApiKey,
  insertUserToken,
  lockApiKey,
  lockUserToken,
  type UserTokenRow,
  updateApiKeyRow,
  updateUserTokenRow,
} from "../db/queries/api-keys";
import { AppError, notFound } from "../errors";

export const ACCESS_TOKEN_TTL_S = 24 * 60 * 60;

/** Who is acting: the authenticated credential, as auth middleware admitted it. */
export interface Actor {
  tenantId: string;
  keyId: string;
  permissions: readonly Permission[];
  accessToken?: { expiresAt: Date; userTokenId: string; userTokenGeneration: number };
}

/** A credential may only hand out permissions it holds itself. */
export function assertSubset(requested: readonly Permission[], held: readonly Permission[]): void {
  const extra = requested.filter((p) => !held.includes(p));
  if (extra.length > 0) {
    throw new AppError("FORBIDDEN", `A credential can only grant permissions it holds; missing: ${extra.join(", ")}.`);
  }
}

/** Acting on another credential needs every permission that credential holds. */
function assertCanManage(actor: Actor, target: { permissions: string[] }): void {
  const extra = (target.permissions as Permission[]).filter((p) => !actor.permissions.includes(p));
  if (extra.length > 0) {
    throw new AppError("FORBIDDEN", `This credential holds permissions the caller lacks (${extra.join(", ")}); only a credential holding them can change it.`);
  }
}

function assertNotAccessToken(actor: Actor, what: string): void {
  if (actor.accessToken) throw new AppError("FORBIDDEN", `${what} with an API key: access tokens cannot create or refresh user tokens.`);
}

const isDead = (row: ApiKeyRow, now: number) => row.revokedAt !== null || row.replacedBy !== null || (row.expiresAt !== null && row.expiresAt.getTime() <= now);

/** The earlier of two expiries (null = never). */
const earliest = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a.getTime() <= b.getTime() ? a : b);

/** Expiry and user-token binding of a key made by `actor`: an access token's keys live no longer than it. */
function lifetimeFor(actor: Actor, expiresAt: Date | null, inherited?: Pick<ApiKeyRow, "userTokenId" | "userTokenGeneration">) {
  if (!actor.accessToken) {
    return { expiresAt, userTokenId: inherited?.userTokenId ?? null, userTokenGeneration: inherited?.userTokenGeneration ?? null };
  }
  return {
    expiresAt: earliest(expiresAt, actor.accessToken.expiresAt),
    userTokenId: actor.accessToken.userTokenId,
    userTokenGeneration: actor.accessToken.userTokenGeneration,
  };
}

export async function createApiKey(db: Queryable, actor: Actor, input: { name: string; permissions: readonly Permission[]; expiresAt: Date | null }) {
  assertSubset(input.permissions, actor.permissions);
  const secret = newApiKey();
  const row = await insertApiKey(db, {
    id: newId("key"),
    tenantId: actor.tenantId,
    name: input.name,
    keyHash: await sha256Hex(secret),
    keyPrefix: visiblePrefix(secret),
    permissions: [...new Set(input.permissions)],
    ...lifetimeFor(actor, input.expiresAt),
  });
  return { row, secret };
}

async function manageableKey(tx: Tx, actor: Actor, id: string): Promise<ApiKeyRow> {
  const row = await lockApiKey(tx, actor.tenantId, id);
  if (!row) throw notFound("API key");
  assertCanManage(actor, row);
  return row;
}

/**
 * Issues a replacement with the same name, permissions and expiry; the old key keeps working for
 * `graceS` seconds (never longer than it would have anyway), then stops. The old key is row-locked
 * and must be live and unrotated, so two concurrent rotations cannot both succeed.
 */
export async function rotateApiKey(tx: Tx, actor: Actor, id: string, graceS: number) {
  const old = await manageableKey(tx, actor, id);
  const now = Date.now();
  if (isDead(old, now)) throw new AppError("CONFLICT", "Only a live key that has not been rotated yet can be rotated.");
  const secret = newApiKey();
  const fresh = await insertApiKey(tx, {
    id: newId("key"),
    tenantId: actor.tenantId,
    name: old.name,
    keyHash: await sha256Hex(secret),
    keyPrefix: visiblePrefix(secret),
    permissions: old.permissions,
    ...lifetimeFor(actor, old.expiresAt, old),
  });
  const graceEnds = new Date(Math.min(now + graceS * 1000, old.expiresAt?.getTime() ?? Infinity));
  const retired = await updateApiKeyRow(tx, old.id, { expiresAt: graceEnds, replacedBy: fresh.id, updatedAt: new Date(now) });
  return { fresh, retired, secret };
}

/** Revokes a key; revoking it again changes nothing (`changed: false`). */
export async function revokeApiKey(tx: Tx, actor: Actor, id: string): Promise<{ row: ApiKeyRow; changed: boolean }> {
  const row = await manageableKey(tx, actor, id);
  if (row.revokedAt) return { row, changed: false };
  const now = new Date();
  return { row: await updateApiKeyRow(tx, id, { revokedAt: now, updatedAt: now }), changed: true };
}

/**
 * Renames a key or changes its expiry. A dead key stays dead (409). An access token may only set
 * an expiry that ends no later than itself.
 */
export async function updateApiKey(tx: Tx, actor: Actor, id: string, changes: { name?: string; expiresAt?: Date | null }) {
  const row = await manageableKey(tx, actor, id);
  if (isDead(row, Date.now())) {
    throw new AppError("CONFLICT", "This key is expired, revoked or rotated out: it stays dead. Create a new key.");
  }
  const limit = actor.accessToken?.expiresAt;
  if (limit && changes.expiresAt !== undefined && (changes.expiresAt === null || changes.expiresAt.getTime() > limit.getTime())) {
    throw new AppError("FORBIDDEN", "An access token can only set an expiry no later than its own.");
  }
  return updateApiKeyRow(tx, id, { name: changes.name, expiresAt: changes.expiresAt, updatedAt: new Date() });
}

export async function createUserToken(db: Queryable, actor: Actor, input: { name: string; permissions: readonly Permission[] }) {
  assertNotAccessToken(actor, "Create user tokens");
  assertSubset(input.permissions, actor.permissions);
  const token = crypto.randomUUID();
  const row = await insertUserToken(db, {
    id: newId("usr"),
    tenantId: actor.tenantId,
    name: input.name,
    tokenHash: await sha256Hex(token),
    permissions: [...new Set(input.permissions)],
    createdBy: actor.keyId,
  });
  return { row, token };
}

async function manageableUserToken(tx: Tx, actor: Actor, id: string): Promise<UserTokenRow> {
  const row = await lockUserToken(tx, actor.tenantId, id);
  if (!row) throw notFound("User token");
  assertCanManage(actor, row);
  return row;
}

/** A new token value and a new generation: every access token (and key) from before stops working. */
export async function refreshUserToken(tx: Tx, actor: Actor, id: string) {
  assertNotAccessToken(actor, "Refresh user tokens");
  const row = await manageableUserToken(tx, actor, id);
  if (row.revokedAt) throw new AppError("CONFLICT", "This user token is revoked: it stays dead. Create a new one.");
  const token = crypto.randomUUID();
  const refreshed = await updateUserTokenRow(tx, id, { tokenHash: await sha256Hex(token), generation: sql`generation + 1`, updatedAt: new Date() });
  return { row: refreshed, token };
}

/** Revokes a user token (and so its access tokens and keys); the first `revoked_at` is kept. */
export async function revokeUserToken(tx: Tx, actor: Actor, id: string): Promise<{ row: UserTokenRow; changed: boolean }> {
  const row = await manageableUserToken(tx, actor, id);
  if (row.revokedAt) return { row, changed: false };
  const now = new Date();
  return { row: await updateUserTokenRow(tx, id, { revokedAt: now, updatedAt: now }), changed: true };
}

/** Exchanges a live user token for a 24 h access token carrying its permissions. */
export async function exchangeUserToken(db: Queryable, userToken: string) {
  const owner = await findLiveUserTokenByHash(db, await sha256Hex(userToken));
  if (!owner) return undefined;
  const secret = newAccessToken();
  const row = await insertApiKey(db, {
    id: newId("key"),
    tenantId: owner.tenantId,
    kind: "access_token",
    name: `access token for ${owner.name}`,
    keyHash: await sha256Hex(secret),
    keyPrefix: visiblePrefix(secret),
    permissions: owner.permissions,
    expiresAt: new Date(Date.now() + ACCESS_TOKEN_TTL_S * 1000),
    userTokenId: owner.id,
    userTokenGeneration: owner.generation,
  });
  return { row, secret, owner };
}
