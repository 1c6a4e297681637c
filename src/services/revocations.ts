// The KV denylist: an edge cache of token revocations under each tenant's namespace.
// Postgres (revoked_tokens) is the source of truth; KV takes up to ~60 s to reach other locations.
import { CLOCK_TOLERANCE_S } from "../contract/tokens";

/** KV key of a revoked token: tenant namespace, then jti. */
export const kvRevokedTokenKey = (tenantId: string, jti: string) => `revoked:${tenantId}:${jti}`;

/** KV's minimum expirationTtl. */
export const KV_MIN_TTL_S = 60;

/**
 * How long past a token's `exp` its revocation is kept (KV and Postgres): verifiers accept a token
 * for the clock tolerance after `exp`, so a revocation dropped at `exp` would let it live again.
 */
export const REVOCATION_RETENTION_S = CLOCK_TOLERANCE_S;

export async function isRevokedInKv(kv: KVNamespace, tenantId: string, jti: string): Promise<boolean> {
  return (await kv.get(kvRevokedTokenKey(tenantId, jti))) !== null;
}

export async function cacheRevocation(kv: KVNamespace, tenantId: string, jti: string, expiresAt: Date): Promise<void> {
  const ttl = Math.max(KV_MIN_TTL_S, Math.ceil((expiresAt.getTime() - Date.now()) / 1000) + REVOCATION_RETENTION_S);
  await kv.put(kvRevokedTokenKey(tenantId, jti), "1", { expirationTtl: ttl });
}
