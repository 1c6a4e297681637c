// Helpers for the webhook and audit suites. Changes go through `callWithEnv`, which waits for the
// request's `ctx.waitUntil` work: when it returns, the change's immediate delivery attempt has
// finished (and been recorded). The local receiver (scripts/lib/webhook-receiver.ts, started by
// test/global-setup.ts) records every call per path name and answers as programmed.
import { env } from "cloudflare:workers";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { decodeJwt } from "jose";
import { afterAll, expect } from "vitest";
import type { EventType } from "../../src/contract/events";
import { newId } from "../../src/crypto/random";
import type { Tx } from "../../src/db/client";
import { insertEvent } from "../../src/db/repositories/webhooks";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../src/db/schema";
import { runScheduledJobs } from "../../src/scheduled";
import { type CallOptions, call, callWithEnv, createTenant, issueToken, json, type TestTenant, withDb } from "../harness";

export const RECEIVER = (env as unknown as { TEST_WEBHOOK_RECEIVER_URL: string }).TEST_WEBHOOK_RECEIVER_URL;

export interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** A receiver path name no other test uses (the receiver is shared by every file). */
export const uniqueName = (label: string) => `${label}-${crypto.randomUUID().slice(0, 12)}`;

/** Where deliveries for `name` go. */
export const receiverUrl = (name: string) => `${RECEIVER}/${name}`;

/** Programs the receiver's answers for `name`: statuses in order (the last one repeats), or a 302. */
export async function program(name: string, behaviour: { statuses?: number[]; redirect?: string }): Promise<void> {
  const res = await fetch(`${RECEIVER}/__program/${name}`, { method: "POST", body: JSON.stringify({ statuses: [], ...behaviour }) });
  expect(res.status).toBe(204);
}

/** Every call the receiver got on `name`, oldest first. */
export async function received(name: string): Promise<Received[]> {
  const res = await fetch(`${RECEIVER}/__received/${name}`);
  return (await res.json()) as Received[];
}

/** A change (or any call) whose deferred work, including the immediate delivery attempt, is finished on return. */
export const act = (path: string, options: CallOptions = {}) => callWithEnv({}, path, options);

export interface Endpoint {
  id: string;
  secret: string;
  name: string;
  body: any;
}

/** POST /v1/webhooks for the receiver path `name`; fails the test unless it answers 201. */
export async function createEndpoint(t: TestTenant, name: string, options: { event_types?: EventType[]; enabled?: boolean } = {}): Promise<Endpoint> {
  const res = await act("/v1/webhooks", { token: t.apiKey, body: { url: receiverUrl(name), ...options } });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(201);
  expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  return { id: body.id, secret: body.secret, name, body };
}

/** A change that emits exactly one `api_key.created` event: the cheapest way to produce a delivery. */
export async function emitApiKeyCreated(t: TestTenant, overrides: Partial<Env> = {}): Promise<{ keyId: string; secret: string; requestId: string }> {
  const res = await callWithEnv(overrides, "/v1/api-keys", { token: t.apiKey, body: { name: "event source", permissions: ["licenses:read"] } });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(201);
  return { keyId: body.id, secret: body.key, requestId: res.headers.get("X-Request-Id")! };
}

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

/** The endpoint's deliveries as stored, oldest first. */
export const deliveriesOf = (endpointId: string): Promise<DeliveryRow[]> =>
  withDb((db) =>
    db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpointId))
      .orderBy(asc(webhookDeliveries.createdAt), asc(webhookDeliveries.id)),
  );

export const deliveryById = async (id: string): Promise<DeliveryRow> =>
  (await withDb((db) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id))))[0]!;

/** Every recorded attempt of a delivery, in attempt order. */
export const attemptsOf = (deliveryId: string): Promise<AttemptRow[]> =>
  withDb((db) => db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(asc(webhookAttempts.attempt)));

/**
 * Makes pending deliveries due now. The delivery code writes `next_attempt_at` from JS `Date`, but
 * `claimDue` compares it with Postgres `now()`, which fake timers cannot move: so the retry is made
 * due by moving `next_attempt_at` itself into the past (an hour back, so these rows are claimed
 * before anything else that happens to be due).
 */
export async function makeDue(deliveryIds: string[]): Promise<void> {
  await withDb((db) =>
    db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: sql`now() - interval '1 hour'` })
      .where(inArray(webhookDeliveries.id, deliveryIds))
      .then(() => undefined),
  );
}

/**
 * Deliveries whose current attempt is claimed but not yet recorded (`attempts` counts it, no
 * `webhook_attempts` row yet). Another file's scheduled run may have claimed one of ours; waiting
 * for it to be recorded keeps counts exact. Normally this is empty at once.
 */
async function inFlight(deliveryIds: string[]): Promise<number> {
  if (deliveryIds.length === 0) return 0;
  const result = await withDb((db) =>
    db.execute(sql`
      select count(*)::int as n from webhook_deliveries d
       where d.id in (${sql.join(
         deliveryIds.map((id) => sql`${id}`),
         sql`, `,
       )})
         and d.attempts > 0
         and not exists (select 1 from webhook_attempts a where a.delivery_id = d.id and a.attempt = d.attempts)`),
  );
  return Number((result.rows[0] as { n: number }).n);
}

/** The cron handler's work (`runScheduledJobs`), then waits until none of `deliveryIds` is mid-attempt. */
export async function runCron(deliveryIds: string[] = []): Promise<void> {
  await runScheduledJobs(env);
  await settle(deliveryIds);
}

export async function settle(deliveryIds: string[]): Promise<void> {
  for (let i = 0; i < 100 && (await inFlight(deliveryIds)) > 0; i++) await new Promise((r) => setTimeout(r, 50));
}

/** Removes the tenants' endpoints (and so their deliveries), so nothing of ours is retried later. */
export async function dropEndpoints(tenantIds: string[]): Promise<void> {
  if (tenantIds.length === 0) return;
  await withDb((db) =>
    db
      .delete(webhookEndpoints)
      .where(inArray(webhookEndpoints.tenantId, tenantIds))
      .then(() => undefined),
  );
}

/**
 * A tenant factory for one test file: every tenant it made gets its endpoints dropped after the
 * file, so nothing of ours is retried by another file's scheduled runs.
 */
export function trackedTenants(): (name: string) => Promise<TestTenant> {
  const ids: string[] = [];
  afterAll(() => dropEndpoints(ids));
  return async (name) => {
    const t = await createTenant(name);
    ids.push(t.tenantId);
    return t;
  };
}

/** Seconds between a failed attempt and the retry it scheduled. */
export const retryDelayS = (delivery: DeliveryRow, attempt: AttemptRow) => (delivery.nextAttemptAt.getTime() - attempt.attemptedAt.getTime()) / 1000;

export const parseBody = (r: Received) => JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, any> };

// ---------------------------------------------------------------------------------------------
// A scenario touching every announced action, for the events and audit suites.

export interface Step {
  label: string;
  requestId: string;
  /** The webhook event the step must emit, if any. */
  event?: EventType;
  /** The audit row the step must write (admin actions), if any. */
  audit?: { action: string; target_type: string; target_id: string };
  /** A check on the event's `data`. */
  data?: (data: Record<string, any>) => void;
}

export interface Scenario {
  steps: Step[];
  licenseId: string;
  licenseKey: string;
  apiKeySecret: string;
  jti: string;
}

async function step(res: Response, status: number, label: string): Promise<{ body: any; requestId: string }> {
  const text = await res.text();
  expect(res.status, `${label}: ${text}`).toBe(status);
  const requestId = res.headers.get("X-Request-Id");
  expect(requestId, label).toMatch(/\S/);
  return { body: text ? JSON.parse(text) : null, requestId: requestId! };
}

/**
 * Creates an application, policy and license, then walks the license, its activations, a token and
 * an API key through every change that is announced: created, updated, renewed, activation created
 * (twice), activation deleted (by the client and by an admin), token revoked, suspended, reinstated,
 * revoked, API key created and revoked. Every call goes through `callWithEnv`, so each change's
 * delivery attempt is done before the next change starts.
 */
export async function runScenario(t: TestTenant): Promise<Scenario> {
  const token = t.apiKey;
  const steps: Step[] = [];

  const app = await step(await act("/v1/applications", { token, body: { name: "Scenario app" } }), 201, "application");
  steps.push({
    label: "application.create",
    requestId: app.requestId,
    audit: { action: "application.create", target_type: "application", target_id: app.body.id },
  });

  const pol = await step(
    await act("/v1/policies", { token, body: { name: "Scenario policy", application_id: app.body.id, max_activations: 5 } }),
    201,
    "policy",
  );
  steps.push({ label: "policy.create", requestId: pol.requestId, audit: { action: "policy.create", target_type: "policy", target_id: pol.body.id } });

  const lic = await step(
    await act("/v1/licenses", { token, body: { policy_id: pol.body.id, plan: "pro", expires_at: new Date(Date.now() + 30 * 86400_000).toISOString() } }),
    201,
    "license create",
  );
  const licenseId: string = lic.body.id;
  const licenseKey: string = lic.body.key;
  expect(licenseKey).toMatch(/^lk_/);
  const isLicense = (status: string) => (data: Record<string, any>) => {
    expect(data.id).toBe(licenseId);
    expect(data.status).toBe(status);
  };
  steps.push({
    label: "license create",
    requestId: lic.requestId,
    event: "license.created",
    audit: { action: "license.create", target_type: "license", target_id: licenseId },
    data: isLicense("active"),
  });

  const upd = await step(await act(`/v1/licenses/${licenseId}`, { method: "PATCH", token, body: { plan: "enterprise" } }), 200, "license update");
  steps.push({
    label: "license update",
    requestId: upd.requestId,
    event: "license.updated",
    audit: { action: "license.update", target_type: "license", target_id: licenseId },
    data: (d) => {
      isLicense("active")(d);
      expect(d.plan).toBe("enterprise");
    },
  });

  const ren = await step(await act(`/v1/licenses/${licenseId}/renew`, { token, body: { extend_by_s: 86400 } }), 200, "license renew");
  steps.push({
    label: "license renew",
    requestId: ren.requestId,
    event: "license.renewed",
    audit: { action: "license.renew", target_type: "license", target_id: licenseId },
    data: (d) => {
      isLicense("active")(d);
      expect(d.expires_at).toBe(ren.body.expires_at);
    },
  });

  const act1 = await step(await act("/v1/licenses/activate", { body: { license_key: licenseKey, fingerprint: "device-one" } }), 201, "activate 1");
  steps.push({
    label: "activate 1",
    requestId: act1.requestId,
    event: "activation.created",
    data: (d) => expect([d.id, d.license_id, d.fingerprint]).toEqual([act1.body.activation.id, licenseId, "device-one"]),
  });
  const act2 = await step(await act("/v1/licenses/activate", { body: { license_key: licenseKey, fingerprint: "device-two" } }), 201, "activate 2");
  steps.push({
    label: "activate 2",
    requestId: act2.requestId,
    event: "activation.created",
    data: (d) => expect([d.id, d.license_id, d.fingerprint]).toEqual([act2.body.activation.id, licenseId, "device-two"]),
  });

  const deact = await step(await act("/v1/licenses/deactivate", { body: { license_key: licenseKey, fingerprint: "device-one" } }), 200, "deactivate");
  steps.push({
    label: "deactivate (client)",
    requestId: deact.requestId,
    event: "activation.deleted",
    data: (d) => expect([d.id, d.reason]).toEqual([act1.body.activation.id, "client"]),
  });

  const act2Id: string = act2.body.activation.id;
  const rel = await step(await act(`/v1/licenses/${licenseId}/activations/${act2Id}`, { method: "DELETE", token }), 200, "release");
  steps.push({
    label: "release (admin)",
    requestId: rel.requestId,
    event: "activation.deleted",
    audit: { action: "activation.delete", target_type: "activation", target_id: act2Id },
    data: (d) => expect([d.id, d.license_id, d.reason]).toEqual([act2Id, licenseId, "admin"]),
  });

  const { token: licenseToken, body: verified } = await issueToken(licenseKey);
  const rt = await step(await act("/v1/licenses/revoke-token", { token, body: { license_token: licenseToken } }), 200, "revoke token");
  const jti: string = rt.body.jti;
  expect(jti).toBe(decodeJwt(licenseToken).jti);
  expect(verified).toMatchObject({ valid: true, code: "VALID", license_token: licenseToken });
  steps.push({
    label: "revoke token",
    requestId: rt.requestId,
    event: "token.revoked",
    audit: { action: "token.revoke", target_type: "license_token", target_id: jti },
    data: (d) => expect([d.jti, d.license_id]).toEqual([jti, licenseId]),
  });

  for (const [action, event, status] of [
    ["suspend", "license.suspended", "suspended"],
    ["reinstate", "license.reinstated", "active"],
    ["revoke", "license.revoked", "revoked"],
  ] as const) {
    const r = await step(await act(`/v1/licenses/${licenseId}/${action}`, { method: "POST", token }), 200, action);
    steps.push({
      label: action,
      requestId: r.requestId,
      event,
      audit: { action: `license.${action}`, target_type: "license", target_id: licenseId },
      data: isLicense(status),
    });
  }

  const key = await step(await act("/v1/api-keys", { token, body: { name: "scenario key", permissions: ["licenses:read"] } }), 201, "api key create");
  const keyId: string = key.body.id;
  expect(key.body.key).toMatch(/^sk_/);
  steps.push({
    label: "api key create",
    requestId: key.requestId,
    event: "api_key.created",
    audit: { action: "api_key.create", target_type: "api_key", target_id: keyId },
    data: (d) => expect([d.id, d.permissions]).toEqual([keyId, ["licenses:read"]]),
  });

  const rev = await step(await act(`/v1/api-keys/${keyId}/revoke`, { method: "POST", token }), 200, "api key revoke");
  steps.push({
    label: "api key revoke",
    requestId: rev.requestId,
    event: "api_key.revoked",
    audit: { action: "api_key.revoke", target_type: "api_key", target_id: keyId },
    data: (d) => {
      expect(d.id).toBe(keyId);
      expect(d.revoked_at).toEqual(expect.any(String));
    },
  });

  return { steps, licenseId, licenseKey, apiKeySecret: key.body.key, jti };
}

/** GET /v1/audit-log, every page, oldest first. */
export async function auditRows(apiKey: string): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const res = await call(`/v1/audit-log?limit=100${cursor ? `&starting_after=${cursor}` : ""}`, { token: apiKey });
    const page = await json(res);
    expect(res.status, JSON.stringify(page)).toBe(200);
    rows.push(...page.data);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return rows.sort((a, b) => a.seq - b.seq);
}

/** GET /v1/audit-log/verify. */
export async function verifyAudit(apiKey: string): Promise<any> {
  const res = await call("/v1/audit-log/verify", { token: apiKey });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** A `license.updated` event written straight to the outbox in `tx`, with one pending delivery per subscribed endpoint. */
export async function outboxEvent(tx: Tx, tenantId: string, data: Record<string, unknown>): Promise<string> {
  const id = newId("msg");
  const createdAt = new Date();
  await insertEvent(tx, {
    id,
    tenantId,
    type: "license.updated",
    payload: JSON.stringify({ type: "license.updated", timestamp: createdAt.toISOString(), data }),
    createdAt,
  });
  return id;
}
