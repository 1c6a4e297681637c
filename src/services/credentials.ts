// API keys, user tokens and access tokens: creation (secret shown once), rotation with an overlap
// window, revocation, expiry changes and the user-token exchange. Secrets are stored only as
// SHA-256 hashes. The rules every operation follows:
// - a credential can only create, rotate, refresh, revoke or re-date credentials whose
//   permissions it holds itself (no operation hands out or takes away more than the caller has);
// - expired, revoked and rotated-out credentials stay dead: nothing brings them back;
// - what an access token creates or re-dates never outlives it: a key created through one expires
//   no later than it and stops with its user token (revoked or refreshed); user tokens are only
//   created and refreshed with API keys.
import type { Permission } from "../contract/permissions";
import { sha256Hex } from "../crypto/hash";
import { newAccessToken, newApiKey, newId, visiblePrefix } from "../crypto/random";
import type { Queryable, Tx } from "../db/client";
import {
  type ApiKeyRow,
  type CredentialRow,
  findApiKeyByHash,
  findLiveUserTokenByHash,
  getApiKey,
  insertApiKey,
  insertUserToken,
  listApiKeys,
  listUserTokens,
  lockApiKey,
  lockUserToken,
  refreshUserTokenRow,
  touchApiKey,
  type UserTokenRow,
  updateApiKeyRow,
  updateUserTokenRow,
} from "../db/repositories/credentials";
import type { PageRequest } from "../db/repositories/pagination";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { Actor, ServiceDeps } from "./context";

export const ACCESS_TOKEN_TTL_S = 24 * 60 * 60;

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

/** What acting as `row` may do, once it is admitted. */
export function actorOf(row: CredentialRow): Actor {
  const actor: Actor = { tenantId: row.tenantId, planTier: row.planTier, keyId: row.id, permissions: row.permissions };
  if (row.kind === "access_token") {
    actor.accessToken = { expiresAt: row.expiresAt!, userTokenId: row.userTokenId!, userTokenGeneration: row.userTokenGeneration! };
  }
  return actor;
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

async function createApiKey(db: Queryable, actor: Actor, input: { name: string; permissions: readonly Permission[]; expiresAt: Date | null }) {
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
async function rotateApiKey(tx: Tx, actor: Actor, id: string, graceS: number) {
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
async function revokeApiKey(tx: Tx, actor: Actor, id: string): Promise<{ row: ApiKeyRow; changed: boolean }> {
  const row = await manageableKey(tx, actor, id);
  if (row.revokedAt) return { row, changed: false };
  const now = new Date();
  return { row: await updateApiKeyRow(tx, id, { revokedAt: now, updatedAt: now }), changed: true };
}

/**
 * Renames a key or changes its expiry. A dead key stays dead (409). An access token may only set
 * an expiry that ends no later than itself.
 */
async function updateApiKey(tx: Tx, actor: Actor, id: string, changes: { name?: string; expiresAt?: Date | null }) {
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

async function createUserToken(db: Queryable, actor: Actor, input: { name: string; permissions: readonly Permission[] }) {
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
async function refreshUserToken(tx: Tx, actor: Actor, id: string) {
  assertNotAccessToken(actor, "Refresh user tokens");
  const row = await manageableUserToken(tx, actor, id);
  if (row.revokedAt) throw new AppError("CONFLICT", "This user token is revoked: it stays dead. Create a new one.");
  const token = crypto.randomUUID();
  const refreshed = await refreshUserTokenRow(tx, id, await sha256Hex(token));
  return { row: refreshed, token };
}

/** Revokes a user token (and so its access tokens and keys); the first `revoked_at` is kept. */
async function revokeUserToken(tx: Tx, actor: Actor, id: string): Promise<{ row: UserTokenRow; changed: boolean }> {
  const row = await manageableUserToken(tx, actor, id);
  if (row.revokedAt) return { row, changed: false };
  const now = new Date();
  return { row: await updateUserTokenRow(tx, id, { revokedAt: now, updatedAt: now }), changed: true };
}

/** Exchanges a live user token for a 24 h access token carrying its permissions. */
async function exchangeUserToken(db: Queryable, userToken: string) {
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

/** `last_used_at` is refreshed at most this often, so busy keys don't write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export function credentialService(deps: ServiceDeps, changes: ChangeRunner) {
  const actor = () => requireActor(deps);
  return {
    /** The credential with this hash, its tenant's tier and its user token: one round trip (HTTP path). */
    find: (keyHash: string) => findApiKeyByHash(deps.rows(), keyHash),

    /** After the response: refresh `last_used_at` when it is older than a minute. */
    touch(row: CredentialRow, now: number): void {
      if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) deps.defer(touchApiKey(deps.db(), row.id));
    },

    createApiKey: (input: { name: string; permissions: readonly Permission[]; expiresAt: Date | null }) =>
      changes(async (tx, record) => {
        const created = await createApiKey(tx, actor(), input);
        await record({
          action: "api_key.create",
          targetType: "api_key",
          targetId: created.row.id,
          details: { permissions: created.row.permissions },
          event: { type: "api_key.created", apiKey: created.row },
        });
        return created;
      }),

    async getApiKey(id: string): Promise<ApiKeyRow> {
      const row = await getApiKey(deps.db(), actor().tenantId, id);
      if (!row) throw notFound("API key");
      return row;
    },

    listApiKeys: (page: PageRequest) => listApiKeys(deps.db(), actor().tenantId, page),

    updateApiKey: (id: string, changesTo: { name?: string; expiresAt?: Date | null }, fields: string[]) =>
      changes(async (tx, record) => {
        const updated = await updateApiKey(tx, actor(), id, changesTo);
        await record({ action: "api_key.update", targetType: "api_key", targetId: id, details: { fields } });
        return updated;
      }),

    revokeApiKey: (id: string) =>
      changes(async (tx, record) => {
        const { row, changed } = await revokeApiKey(tx, actor(), id);
        if (changed) await record({ action: "api_key.revoke", targetType: "api_key", targetId: id, event: { type: "api_key.revoked", apiKey: row } });
        return row;
      }),

    rotateApiKey: (id: string, graceS: number) =>
      changes(async (tx, record) => {
        const result = await rotateApiKey(tx, actor(), id, graceS);
        await record({
          action: "api_key.rotate",
          targetType: "api_key",
          targetId: id,
          details: { replaced_by: result.fresh.id, old_key_expires_at: result.retired.expiresAt?.toISOString() },
          event: { type: "api_key.created", apiKey: result.fresh, rotatedFrom: id },
        });
        return result;
      }),

    createUserToken: (input: { name: string; permissions: readonly Permission[] }) =>
      changes(async (tx, record) => {
        const created = await createUserToken(tx, actor(), input);
        await record({ action: "user_token.create", targetType: "user_token", targetId: created.row.id, details: { permissions: created.row.permissions } });
        return created;
      }),

    listUserTokens: (page: PageRequest) => listUserTokens(deps.db(), actor().tenantId, page),

    refreshUserToken: (id: string) =>
      changes(async (tx, record) => {
        const result = await refreshUserToken(tx, actor(), id);
        await record({ action: "user_token.refresh", targetType: "user_token", targetId: id, details: { generation: result.row.generation } });
        return result;
      }),

    revokeUserToken: (id: string) =>
      changes(async (tx, record) => {
        const { row, changed } = await revokeUserToken(tx, actor(), id);
        if (changed) await record({ action: "user_token.revoke", targetType: "user_token", targetId: id });
        return row;
      }),

    /** A user token for a 24 h access token; undefined for an unknown, refreshed-away or revoked one. */
    exchangeUserToken: (userToken: string) => exchangeUserToken(deps.db(), userToken),
  };
}
