// One contract, two stores: Postgres (the source of truth) and the KV denylist (the edge cache)
// answer the same questions the same way (services/revocations.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectDb } from "../../src/db/client";
import { kvRevocations, postgresRevocations, type RevocationStore } from "../../src/services/revocations";
import { createTenant } from "../harness";

const stores: [string, (run: (store: RevocationStore) => Promise<void>) => Promise<void>][] = [
  ["KV", (run) => run(kvRevocations(env.REVOCATIONS))],
  [
    "Postgres",
    async (run) => {
      const { db, pool } = connectDb(env);
      try {
        await run(postgresRevocations(db));
      } finally {
        await pool.end();
      }
    },
  ],
];

describe.each(stores)("the %s revocation store", (_name, withStore) => {
  it("knows a revoked jti, and nothing else: not another jti, not the same jti of another tenant", async () => {
    const [a, b] = await Promise.all([createTenant("store a"), createTenant("store b")]);
    const jti = crypto.randomUUID();
    await withStore(async (store) => {
      expect(await store.isRevoked(a.tenantId, jti)).toBe(false);
      expect(await store.revoke({ tenantId: a.tenantId, jti, licenseId: null, expiresAt: new Date(Date.now() + 600_000), revokedBy: a.apiKeyId })).toBe(true);
      expect(await store.isRevoked(a.tenantId, jti)).toBe(true);
      expect(await store.isRevoked(a.tenantId, crypto.randomUUID())).toBe(false);
      expect(await store.isRevoked(b.tenantId, jti)).toBe(false);
    });
  });

  it("keeps a revocation when it is recorded twice", async () => {
    const a = await createTenant("store twice");
    const jti = crypto.randomUUID();
    const revocation = { tenantId: a.tenantId, jti, licenseId: null, expiresAt: new Date(Date.now() + 600_000), revokedBy: a.apiKeyId };
    await withStore(async (store) => {
      await store.revoke(revocation);
      await store.revoke(revocation);
      expect(await store.isRevoked(a.tenantId, jti)).toBe(true);
    });
  });
});
