// API keys, user tokens and access tokens: creation (secret shown once), rotation with an overlap
// window, and the user-token exchange. Secrets are stored only as SHA-256 hashes.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Queryable, Tx } from "../db/client";
import { apiKeys, userTokens } from "../db/schema";
import { sha256Hex } from "../crypto/hash";
import { newAccessToken, newApiKey, newId, visiblePrefix } from "../crypto/random";
import { AppError } from "../errors";
import type { Permission } from "./permissions";

export const ACCESS_TOKEN_TTL_S = 24 * 60 * 60;

/** A credential may only hand out permissions it holds itself. */
export function assertSubset(requested: readonly Permission[], held: readonly Permission[]): void {
  const extra = requested.filter((p) => !held.includes(p));
  if (extra.length > 0) {
    throw new AppError("FORBIDDEN", `A credential can only grant permissions it holds; missing: ${extra.join(", ")}.`);
  }
}

export async function createApiKey(
  db: Queryable,
  input: { tenantId: string; name: string; permissions: readonly Permission[]; expiresAt: Date | null },
) {
  const secret = newApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      tenantId: input.tenantId,
      name: input.name,
      keyHash: await sha256Hex(secret),
      keyPrefix: visiblePrefix(secret),
      permissions: [...input.permissions],
      expiresAt: input.expiresAt,
    })
    .returning();
  return { row: row!, secret };
}

/**
 * Issues a replacement with the same name, permissions and expiry; the old key keeps working for
 * `graceS` seconds (never longer than it would have anyway), then stops. Runs in the caller's
 * transaction; the old key is row-locked and must be live and unrotated, so two concurrent
 * rotations cannot both succeed.
 */
export async function rotateApiKey(tx: Tx, tenantId: string, id: string, graceS: number) {
  const secret = newApiKey();
  const keyHash = await sha256Hex(secret);
  const [old] = await tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), eq(apiKeys.kind, "api_key")))
    .for("update");
  if (!old) return undefined;
  const now = Date.now();
  if (old.revokedAt || old.replacedBy || (old.expiresAt && old.expiresAt.getTime() <= now)) {
    throw new AppError("CONFLICT", "Only a live key that has not been rotated yet can be rotated.");
  }
  const [fresh] = await tx
    .insert(apiKeys)
    .values({
      id: newId("key"),
      tenantId,
      name: old.name,
      keyHash,
      keyPrefix: visiblePrefix(secret),
      permissions: old.permissions,
      expiresAt: old.expiresAt,
    })
    .returning();
  const graceEnds = new Date(Math.min(now + graceS * 1000, old.expiresAt?.getTime() ?? Infinity));
  const [retired] = await tx
    .update(apiKeys)
    .set({ expiresAt: graceEnds, replacedBy: fresh!.id, updatedAt: new Date(now) })
    .where(eq(apiKeys.id, old.id))
    .returning();
  return { fresh: fresh!, retired: retired!, secret };
}

export async function createUserToken(db: Queryable, input: { tenantId: string; name: string; permissions: readonly Permission[]; createdBy: string }) {
  const token = crypto.randomUUID();
  const [row] = await db
    .insert(userTokens)
    .values({
      id: newId("usr"),
      tenantId: input.tenantId,
      name: input.name,
      tokenHash: await sha256Hex(token),
      permissions: [...input.permissions],
      createdBy: input.createdBy,
    })
    .returning();
  return { row: row!, token };
}

/** A new token value and a new generation: every access token from before stops working. */
export async function refreshUserToken(db: Queryable, tenantId: string, id: string) {
  const token = crypto.randomUUID();
  const [row] = await db
    .update(userTokens)
    .set({ tokenHash: await sha256Hex(token), generation: sql`${userTokens.generation} + 1`, updatedAt: new Date() })
    .where(and(eq(userTokens.tenantId, tenantId), eq(userTokens.id, id), isNull(userTokens.revokedAt)))
    .returning();
  return row ? { row, token } : undefined;
}

/** Exchanges a live user token for a 24 h access token carrying its permissions. */
export async function exchangeUserToken(db: Queryable, userToken: string) {
  const [owner] = await db
    .select()
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, await sha256Hex(userToken)), isNull(userTokens.revokedAt)));
  if (!owner) return undefined;
  const secret = newAccessToken();
  const expiresAt = new Date(Date.now() + ACCESS_TOKEN_TTL_S * 1000);
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      tenantId: owner.tenantId,
      kind: "access_token",
      name: `access token for ${owner.name}`,
      keyHash: await sha256Hex(secret),
      keyPrefix: visiblePrefix(secret),
      permissions: owner.permissions,
      expiresAt,
      userTokenId: owner.id,
      userTokenGeneration: owner.generation,
    })
    .returning();
  return { row: row!, secret, owner };
}
