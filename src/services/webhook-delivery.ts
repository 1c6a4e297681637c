// Outbox delivery: claim due deliveries (FOR UPDATE SKIP LOCKED plus a lease, so two runs never
// send the same attempt), sign per Standard Webhooks, POST without following redirects, record
// every attempt, and reschedule failures with exponential backoff and jitter over about three days.
import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { decryptSecret } from "../crypto/aes";
import type { Database } from "../db/client";
import { webhookAttempts, webhookDeliveries } from "../db/schema";
import { webhookUrlProblem } from "./ssrf";

/**
 * Seconds to wait after attempt n (1-based) fails; the attempt after the last entry is final.
 * Ten attempts spread over about three days (the sum is ~76 h).
 */
export const RETRY_SCHEDULE_S = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600, 24 * 3600, 24 * 3600];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_S.length + 1;
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** A claimed attempt's lease: if its worker dies, the delivery is due again after this. */
const LEASE_S = 60;
const BATCH = 25;

interface Claimed {
  id: string;
  tenant_id: string;
  event_id: string;
  endpoint_id: string;
  attempts: number;
  payload: string;
  url: string;
  enabled: boolean;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: string | Date | null;
}

/** Claims up to `limit` due deliveries (optionally only those of some events) in one statement. */
async function claimDue(db: Database, options: { eventIds?: string[]; limit?: number }): Promise<Claimed[]> {
  if (options.eventIds?.length === 0) return [];
  const onlyEvents = options.eventIds
    ? sql`and event_id in (${sql.join(
        options.eventIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const result = await db.execute(sql`
    with claimed as (
      update webhook_deliveries d
         set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${LEASE_S}), updated_at = now()
       where d.id in (
         select id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= now() ${onlyEvents}
          order by next_attempt_at
          limit ${options.limit ?? BATCH}
          for update skip locked)
      returning d.id, d.tenant_id, d.event_id, d.endpoint_id, d.attempts)
    select c.*, e.payload, ep.url, ep.enabled, ep.secret_ciphertext, ep.previous_secret_ciphertext, ep.previous_secret_expires_at
      from claimed c
      join webhook_events e on e.id = c.event_id
      join webhook_endpoints ep on ep.id = c.endpoint_id`);
  return result.rows as unknown as Claimed[];
}

/** The `webhook-signature` value: one signature, or two while a rotated-out secret is still valid. */
export async function signatureHeader(env: Env, delivery: Claimed, msgId: string, timestamp: Date): Promise<string> {
  const secrets = [await decryptSecret(env, delivery.secret_ciphertext, delivery.endpoint_id)];
  const previousUntil = delivery.previous_secret_expires_at ? new Date(delivery.previous_secret_expires_at) : null;
  if (delivery.previous_secret_ciphertext && previousUntil && previousUntil.getTime() > timestamp.getTime()) {
    secrets.push(await decryptSecret(env, delivery.previous_secret_ciphertext, delivery.endpoint_id));
  }
  return secrets.map((secret) => new Webhook(secret).sign(msgId, timestamp, delivery.payload)).join(" ");
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

async function attempt(env: Env, delivery: Claimed): Promise<AttemptResult> {
  const started = Date.now();
  const done = (statusCode: number | null, error: string | null): AttemptResult => ({ statusCode, error, durationMs: Date.now() - started });
  if (!delivery.enabled) return done(null, "endpoint disabled");
  const problem = webhookUrlProblem(delivery.url, { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === "true" });
  if (problem) return done(null, `url refused: ${problem}`);
  const timestamp = new Date();
  try {
    const res = await fetch(delivery.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "edge-license-service-webhooks/1",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": await signatureHeader(env, delivery, delivery.event_id, timestamp),
      },
      body: delivery.payload,
    });
    await res.body?.cancel();
    if (res.status >= 300 && res.status < 400) return done(res.status, "redirects are not followed");
    return done(res.status, res.ok ? null : `HTTP ${res.status}`);
  } catch (err) {
    const name = (err as Error)?.name;
    return done(
      null,
      name === "TimeoutError" || name === "AbortError" ? `timed out after ${ATTEMPT_TIMEOUT_MS} ms` : String((err as Error)?.message ?? err).slice(0, 200),
    );
  }
}

/** Backoff with ±20% jitter so retries of many deliveries spread out. */
const nextDelayS = (attempts: number) => RETRY_SCHEDULE_S[attempts - 1]! * (0.8 + Math.random() * 0.4);

async function record(db: Database, delivery: Claimed, result: AttemptResult): Promise<void> {
  const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const final = !succeeded && delivery.attempts >= MAX_ATTEMPTS;
  const now = Date.now();
  await db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({
      deliveryId: delivery.id,
      // Numbered after every earlier attempt: a redelivery restarts `attempts`, not the history.
      attempt: sql`(select coalesce(max(attempt), 0) + 1 from webhook_attempts where delivery_id = ${delivery.id})`,
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
    });
    await tx
      .update(webhookDeliveries)
      .set({
        status: succeeded ? "succeeded" : final ? "failed" : "pending",
        nextAttemptAt: succeeded || final ? new Date(now) : new Date(now + nextDelayS(delivery.attempts) * 1000),
        lastStatusCode: result.statusCode,
        lastError: result.error,
        lastDurationMs: result.durationMs,
        deliveredAt: succeeded ? new Date(now) : null,
        updatedAt: new Date(now),
      })
      .where(eq(webhookDeliveries.id, delivery.id));
  });
}

/**
 * Delivers what is due: right after a change (its events only) and from the cron trigger (all).
 * Deliveries are independent, so one endpoint's failures never hold back another's.
 */
export async function deliverDue(db: Database, env: Env, options: { eventIds?: string[]; limit?: number } = {}): Promise<number> {
  const claimed = await claimDue(db, options);
  await Promise.allSettled(claimed.map(async (delivery) => record(db, delivery, await attempt(env, delivery))));
  return claimed.length;
}
