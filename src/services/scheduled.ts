// The cron trigger (every minute): deliver due webhooks, announce licenses that expired, and
// sweep rows that can no longer matter.
import { and, eq, isNull, lt, lte, sql } from "drizzle-orm";
import { connectDb, type Database } from "../db/client";
import { idempotencyKeys, licenses, revokedTokens } from "../db/schema";
import { createLogger } from "../logging";
import { licenseBody } from "../routes/admin-schemas";
import { recordEvent } from "./events";
import { REVOCATION_RETENTION_S } from "./revocations";
import { deliverDue } from "./webhook-delivery";

/** `license.expired` for active licenses whose expiry passed, once each (in batches). */
async function announceExpiries(db: Database, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(licenses)
      .where(and(eq(licenses.status, "active"), lte(licenses.expiresAt, now), isNull(licenses.expiryNotifiedAt)))
      .limit(100)
      .for("update", { skipLocked: true });
    for (const row of due) {
      await tx.update(licenses).set({ expiryNotifiedAt: now }).where(eq(licenses.id, row.id));
      await recordEvent(tx, row.tenantId, "license.expired", licenseBody(row, now));
    }
    return due.length;
  });
}

/** Drops revocations of tokens that no verifier accepts any more, tolerance included. */
export async function sweepRevocations(db: Database, now: Date): Promise<void> {
  await db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, new Date(now.getTime() - REVOCATION_RETENTION_S * 1000)));
}

export async function runScheduled(env: Env): Promise<void> {
  const log = createLogger({ job: "scheduled" }, env.LOG_LEVEL);
  const { db, pool } = connectDb(env);
  try {
    const now = new Date();
    const expired = await announceExpiries(db, now);
    let delivered = 0;
    // A few batches per run; whatever is left is due again next minute.
    for (let i = 0; i < 4; i++) {
      const n = await deliverDue(db, env);
      delivered += n;
      if (n === 0) break;
    }
    await sweepRevocations(db, now);
    await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, sql`now() - interval '1 day'`));
    log.info("scheduled run", { delivered, expired });
  } catch (err) {
    log.error("scheduled run failed", { error: err });
  } finally {
    await pool.end().catch(() => {});
  }
}
