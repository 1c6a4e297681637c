// Token revocations behind one interface, in two stores: Postgres (revoked_tokens), the source of
// truth, and the KV denylist, an edge cache under each tenant's namespace that takes up to ~60 s
// to reach other locations. test/tokens/revocation-stores.test.ts holds both to one contract.
import { CLOCK_TOLERANCE_S } from "../contract/tokens";
import type { Queryable } from "../db/client";
import { isRevoked, recordRevocation } from "../db/repositories/revocations";

/**
 * How long past a token's `exp` its revocation is kept (KV and Postgres): verifiers accept a token
 * for the clock tolerance after `exp`, so a revocation dropped at `exp` would let it live again.
 */
export const REVOCATION_RETENTION_S = CLOCK_TOLERANCE_S;

export interface Revocation {
  tenantId: string;
  jti: string;
  licenseId: string | null;
  /** When the token expires anyway; the revocation is kept REVOCATION_RETENTION_S longer. */
  expiresAt: Date;
  revokedBy: string;
}

export interface RevocationStore {
  /** Records a revocation; a repeat changes nothing. True when the store knows it was new. */
  revoke(revocation: Revocation): Promise<boolean>;
  isRevoked(tenantId: string, jti: string): Promise<boolean>;
}

/** KV key of a revoked token: tenant namespace, then jti. */
export const kvRevokedTokenKey = (tenantId: string, jti: string) => `revoked:${tenantId}:${jti}`;

/** KV's minimum expirationTtl. */
export const KV_MIN_TTL_S = 60;

export const kvRevocations = (kv: KVNamespace): RevocationStore => ({
  async revoke(r) {
    const ttl = Math.max(KV_MIN_TTL_S, Math.ceil((r.expiresAt.getTime() - Date.now()) / 1000) + REVOCATION_RETENTION_S);
    await kv.put(kvRevokedTokenKey(r.tenantId, r.jti), "1", { expirationTtl: ttl });
    return true;
  },
  isRevoked: async (tenantId, jti) => (await kv.get(kvRevokedTokenKey(tenantId, jti))) !== null,
});

/** On the request's database or inside a transaction (the revocation then commits with its audit row). */
export const postgresRevocations = (db: Queryable): RevocationStore => ({
  revoke: (r) => recordRevocation(db, r),
  isRevoked: (tenantId, jti) => isRevoked(db, tenantId, jti),
});
