// Outbox delivery: claim due deliveries (FOR UPDATE SKIP LOCKED plus a lease, so two runs never
// send the same attempt), sign per Standard Webhooks, POST without following redirects, record
// every attempt (with the start of the receiver's answer), and reschedule failures with exponential
// backoff and jitter over about three days. A `webhook.test` delivery is never retried by itself.
import { Webhook } from "standardwebhooks";
import { decryptSecret } from "../crypto/aes";
import type { Database } from "../db/client";
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  claimDueDeliveries,
  recordAttempt,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
} from "../db/repositories/webhooks";
import { RESPONSE_EXCERPT_CHARS } from "../db/schema";
import type { ServiceConfig } from "./context";
import { webhookUrlProblem } from "./ssrf";

/**
 * Seconds to wait after attempt n (1-based) fails; the attempt after the last entry is final.
 * Ten attempts spread over about three days (the sum is ~76 h).
 */
export const RETRY_SCHEDULE_S = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600, 24 * 3600, 24 * 3600];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_S.length + 1;
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** A claimed attempt's lease: if its worker dies, the delivery is due again after this. */
export const LEASE_S = 60;
const BATCH = 25;

/** What sending needs of the deployment: the secrets key and whether loopback receivers are allowed. */
type DeliveryConfig = Pick<ServiceConfig, "webhookSecretsKey" | "allowLoopbackWebhooks">;

/** The `webhook-signature` value: one signature, or two while a rotated-out secret is still valid. */
export async function signatureHeader(config: DeliveryConfig, delivery: ClaimedDelivery, msgId: string, timestamp: Date): Promise<string> {
  const secrets = [await decryptSecret(config.webhookSecretsKey, delivery.secret_ciphertext, delivery.endpoint_id)];
  const previousUntil = delivery.previous_secret_expires_at ? new Date(delivery.previous_secret_expires_at) : null;
  if (delivery.previous_secret_ciphertext && previousUntil && previousUntil.getTime() > timestamp.getTime()) {
    secrets.push(await decryptSecret(config.webhookSecretsKey, delivery.previous_secret_ciphertext, delivery.endpoint_id));
  }
  return secrets.map((secret) => new Webhook(secret).sign(msgId, timestamp, delivery.payload)).join(" ");
}

/**
 * The start of an answer's body as text: at most RESPONSE_EXCERPT_CHARS bytes are read (the rest
 * is never downloaded), decoded leniently, without NULs (Postgres text refuses them). A body that
 * breaks off midway keeps what arrived.
 */
async function excerpt(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // Timed out or cut off while reading: what arrived is the excerpt.
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, RESPONSE_EXCERPT_CHARS));
  let at = 0;
  for (const chunk of chunks) {
    if (at >= bytes.length) break;
    const part = chunk.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.byteLength;
  }
  const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes).replaceAll("\u0000", "");
  return text.length > 0 ? text.slice(0, RESPONSE_EXCERPT_CHARS) : null;
}

/**
 * One attempt, signed per Standard Webhooks. `force` sends to a disabled endpoint too (a test
 * event the seller asked for); the URL is checked against the SSRF rules at every send regardless.
 */
async function attempt(config: DeliveryConfig, delivery: ClaimedDelivery, options: { force?: boolean } = {}): Promise<AttemptOutcome> {
  const started = Date.now();
  const done = (statusCode: number | null, error: string | null, responseExcerpt: string | null = null): AttemptOutcome => ({
    statusCode,
    error,
    durationMs: Date.now() - started,
    responseExcerpt,
  });
  if (!delivery.enabled && !options.force) return done(null, "endpoint disabled");
  const problem = webhookUrlProblem(delivery.url, { allowLoopback: config.allowLoopbackWebhooks });
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
        "webhook-signature": await signatureHeader(config, delivery, delivery.event_id, timestamp),
      },
      body: delivery.payload,
    });
    const answer = await excerpt(res);
    if (res.status >= 300 && res.status < 400) return done(res.status, "redirects are not followed", answer);
    return done(res.status, res.ok ? null : `HTTP ${res.status}`, answer);
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

/**
 * Records an attempt and what follows from it: delivered; or, after a failure, the next retry on
 * the schedule (attempt n waits RETRY_SCHEDULE_S[n-1]), or `failed` after the last attempt, or
 * at once for a test event (a seller asked for one attempt, not three days of them).
 */
function record(db: Database, delivery: ClaimedDelivery, result: AttemptOutcome) {
  const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const final = !succeeded && (delivery.attempts >= MAX_ATTEMPTS || delivery.event_type === "webhook.test");
  const now = new Date();
  return recordAttempt(db, { id: delivery.id, endpointId: delivery.endpoint_id }, result, {
    status: succeeded ? "succeeded" : final ? "failed" : "pending",
    nextAttemptAt: succeeded || final ? now : new Date(now.getTime() + nextDelayS(delivery.attempts) * 1000),
    deliveredAt: succeeded ? now : null,
    now,
  });
}

/**
 * Sends one delivery its caller has claimed (retry now, a test event), waits for the answer and
 * records it like any scheduled attempt; answers the attempt and the delivery as recorded.
 */
export async function sendClaimed(
  db: Database,
  config: DeliveryConfig,
  delivery: ClaimedDelivery,
  options: { force?: boolean } = {},
): Promise<{ attempt: WebhookAttemptRow; delivery: WebhookDeliveryRow }> {
  return record(db, delivery, await attempt(config, delivery, options));
}

/**
 * Delivers what is due: right after a change (its events only) and from the cron trigger (all).
 * Deliveries are independent, so one endpoint's failures never hold back another's.
 */
export async function deliverDue(db: Database, config: DeliveryConfig, options: { eventIds?: string[]; limit?: number } = {}): Promise<number> {
  const claimed = await claimDueDeliveries(db, { eventIds: options.eventIds, limit: options.limit ?? BATCH, leaseS: LEASE_S });
  await Promise.allSettled(claimed.map(async (delivery) => record(db, delivery, await attempt(config, delivery))));
  return claimed.length;
}
