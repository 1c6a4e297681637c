// The cron trigger (every minute): announce licenses and leases that expired, deliver due webhooks, rebuild
// status lists whose rebuild after a change did not happen, and sweep rows that can no longer matter.
import { MAX_RANGE_MS } from "../contract/metrics";
import type { Database } from "../db/client";
import { sweepDpopProofs, sweepIdempotencyKeys } from "../db/repositories/activations";
import { sweepActivity, sweepOrphanActivity } from "../db/repositories/activity";
import { sweepRejectedBillingEvents } from "../db/repositories/billing";
import { lockUnannouncedLeaseExpiries, markLeaseExpiryAnnounced } from "../db/repositories/leases";
import { lockUnannouncedExpiries, markExpiryAnnounced } from "../db/repositories/licenses";
import { sweepRollups } from "../db/repositories/metrics";
import { sweepRevocations as deleteRevocationsBefore } from "../db/repositories/revocations";
import { settleActivity } from "./activity/recorder";
import { recheckDueBilling } from "./billing/intake";
import type { ServiceDeps } from "./context";
import { recordEvent } from "./events";
import { evaluateAlerts } from "./metrics/service";
import { REVOCATION_RETENTION_S } from "./revocations";
import { statusListService } from "./status-lists";
import { deliverDue } from "./webhook-delivery";

/** `license.expired` for active licenses whose expiry passed, once each (in batches). */
async function announceExpiries(deps: ServiceDeps, now: Date): Promise<number> {
  return deps.db().transaction(async (tx) => {
    const due = await lockUnannouncedExpiries(tx, now, 100);
    for (const license of due) {
      await markExpiryAnnounced(tx, license.id, now);
      await recordEvent(tx, license.tenantId, { type: "license.expired", license }, deps.serializeEvent);
    }
    return due.length;
  });
}

/** `lease.expired` for leases that ran out without a release (their seats were free at their TTL already). */
async function announceLeaseExpiries(deps: ServiceDeps, now: Date): Promise<number> {
  return deps.db().transaction(async (tx) => {
    const due = await lockUnannouncedLeaseExpiries(tx, now, 100);
    for (const lease of due) {
      await markLeaseExpiryAnnounced(tx, lease.id, now);
      await recordEvent(tx, lease.tenantId, { type: "lease.expired", lease }, deps.serializeEvent);
    }
    return due.length;
  });
}

/** Drops revocations of tokens that no verifier accepts any more, tolerance included. */
export async function sweepRevocations(db: Database, now: Date): Promise<void> {
  await deleteRevocationsBefore(db, new Date(now.getTime() - REVOCATION_RETENTION_S * 1000));
}

export async function runScheduled(deps: ServiceDeps): Promise<void> {
  try {
    const now = new Date();
    const db = deps.db();
    const expired = await announceExpiries(deps, now);
    const leasesExpired = await announceLeaseExpiries(deps, now);
    const billingRechecked = await recheckDueBilling(deps, now);
    let delivered = 0;
    // A few batches per run; whatever is left is due again next minute.
    for (let i = 0; i < 4; i++) {
      const n = await deliverDue(db, deps.config);
      delivered += n;
      if (n === 0) break;
    }
    // Flushes this isolate's waiting metrics first, so the rules read them.
    const alerts = await evaluateAlerts(deps, now);
    const lists = await statusListService(deps).publishStale();
    await sweepRevocations(db, now);
    await sweepIdempotencyKeys(db, new Date(now.getTime() - 86_400_000));
    await sweepDpopProofs(db, now);
    await sweepRejectedBillingEvents(db, now);
    await sweepRollups(db, new Date(now.getTime() - MAX_RANGE_MS - 86_400_000));
    // This isolate's waiting activity is written out, then whatever is past each tenant's retention goes.
    await settleActivity();
    await deps.activity.sink.flush();
    const activitySwept = await sweepActivity(deps.rows(), now);
    await sweepOrphanActivity(deps.rows());
    deps.log.info("scheduled run", { delivered, expired, leasesExpired, billingRechecked, alerts, lists, activitySwept });
  } catch (err) {
    deps.log.error("scheduled run failed", { error: err });
  }
}
