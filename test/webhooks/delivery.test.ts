// Delivery reliability: retries with backoff through the cron handler, no attempt sent twice when
// scheduled runs overlap, one endpoint's failures never hold back another's, the final failure
// after MAX_ATTEMPTS, and redelivery.
//
// Time: an attempt writes `next_attempt_at` from JS `Date`, but claiming compares it with Postgres
// `now()`, which no fake timer reaches. So a retry is made due by moving `next_attempt_at` into the
// past directly (helpers.makeDue) before calling the scheduled handler (runScheduledJobs). Every test
// that runs the scheduled handler lives in this one file, so those runs never overlap each other
// by accident (tests in a file run one after another).
import { env } from "cloudflare:workers";
import { verifyWebhook } from "@edge-license/sdk";
import { and, count, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { licenses, webhookAttempts, webhookDeliveries, webhookEvents } from "../../src/db/schema";
import { runScheduledJobs } from "../../src/scheduled";
import { MAX_ATTEMPTS, RETRY_SCHEDULE_S } from "../../src/services/webhook-delivery";
import { expectError, insertApiKey, json, seedLicense, setLicenseState, withDb } from "../harness";
import {
  act,
  attemptsOf,
  createEndpoint,
  deliveriesOf,
  deliveryById,
  emitApiKeyCreated,
  makeDue,
  outboxEvent,
  parseBody,
  program,
  received,
  retryDelayS,
  runCron,
  settle,
  trackedTenants,
  uniqueName,
} from "./helpers";

const tenant = trackedTenants();

/** The retry delay after attempt n must be RETRY_SCHEDULE_S[n-1] ± 20% jitter (1 s slack for clocks). */
function expectBackoff(delayS: number, attempt: number) {
  const base = RETRY_SCHEDULE_S[attempt - 1]!;
  expect(delayS, `delay after attempt ${attempt}`).toBeGreaterThanOrEqual(base * 0.8 - 1);
  expect(delayS, `delay after attempt ${attempt}`).toBeLessThanOrEqual(base * 1.2 + 1);
}

describe("retries", () => {
  describe("as GET /v1/webhooks/{id}/deliveries (listWebhookDeliveries) shows them", () => {
    it("retries a down endpoint until it answers 2xx: 3 calls, same webhook-id, succeeded after 3 attempts", async () => {
      const t = await tenant("wh retries");
      const ep = await createEndpoint(t, uniqueName("retry"));
      await program(ep.name, { statuses: [500, 503, 200] });
      await emitApiKeyCreated(t);

      // The immediate attempt (after the response) failed with 500.
      let calls = await received(ep.name);
      expect(calls.map((c) => c.headers["webhook-id"])).toHaveLength(1);
      const [d] = await deliveriesOf(ep.id);
      expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500" });
      expectBackoff(retryDelayS(d!, (await attemptsOf(d!.id))[0]!), 1);

      // Due again (moved into the past: see the file comment), the first scheduled run gets a 503.
      await makeDue([d!.id]);
      await runCron([d!.id]);
      calls = await received(ep.name);
      expect(calls).toHaveLength(2);
      const afterSecond = await deliveryById(d!.id);
      expect(afterSecond).toMatchObject({ status: "pending", attempts: 2, lastStatusCode: 503, lastError: "HTTP 503" });
      expectBackoff(retryDelayS(afterSecond, (await attemptsOf(d!.id))[1]!), 2);

      // Not due yet (about 5 minutes away): a scheduled run leaves it alone.
      await runCron([d!.id]);
      expect(await received(ep.name)).toHaveLength(2);
      expect((await deliveryById(d!.id)).attempts).toBe(2);

      await makeDue([d!.id]);
      await runCron([d!.id]);
      calls = await received(ep.name);
      expect(calls).toHaveLength(3);

      // Same webhook-id (the event id) on every attempt; each attempt is signed afresh and verifies.
      expect(new Set(calls.map((c) => c.headers["webhook-id"]))).toEqual(new Set([d!.eventId]));
      expect(new Set(calls.map((c) => c.body)).size).toBe(1);
      for (const c of calls) {
        expect((new Webhook(ep.secret).verify(c.body, c.headers) as any).type).toBe("api_key.created");
        expect((await verifyWebhook(ep.secret, c.headers, c.body)).type).toBe("api_key.created");
      }

      const done = await deliveryById(d!.id);
      expect(done).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 200, lastError: null });
      expect(done.deliveredAt).toBeInstanceOf(Date);

      // Every attempt is recorded: status, error and duration.
      const attempts = await attemptsOf(d!.id);
      expect(attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
        [1, 500, "HTTP 500"],
        [2, 503, "HTTP 503"],
        [3, 200, null],
      ]);
      for (const a of attempts) {
        expect(Number.isInteger(a.durationMs)).toBe(true);
        expect(a.durationMs).toBeGreaterThanOrEqual(0);
        expect(a.durationMs).toBeLessThan(10_000);
      }

      // The API shows the same.
      const res = await act(`/v1/webhooks/${ep.id}/deliveries`, { token: t.apiKey });
      const page = await json(res);
      expect(res.status, JSON.stringify(page)).toBe(200);
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({
        id: d!.id,
        event_id: calls[0]!.headers["webhook-id"],
        event_type: "api_key.created",
        endpoint_id: ep.id,
        status: "succeeded",
        attempts: 3,
        next_attempt_at: null,
        last_status_code: 200,
        last_error: null,
      });
      expect(page.data[0].delivered_at).toEqual(expect.any(String));
      expect(page.data[0].last_duration_ms).toEqual(expect.any(Number));
      // Filtered by status.
      expect((await json(await act(`/v1/webhooks/${ep.id}/deliveries?status=succeeded`, { token: t.apiKey }))).data).toHaveLength(1);
      expect((await json(await act(`/v1/webhooks/${ep.id}/deliveries?status=pending`, { token: t.apiKey }))).data).toHaveLength(0);
    });
  });

  it("records a network failure (nothing listening) as an attempt with an error and no status", async () => {
    const t = await tenant("wh unreachable");
    // Port 1 on loopback: connection refused.
    const res = await act("/v1/webhooks", { token: t.apiKey, body: { url: "http://127.0.0.1:1/nothing" } });
    expect(res.status).toBe(201);
    const ep = await json(res);
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
    expect(d!.lastError).toMatch(/\S/);
    const [a] = await attemptsOf(d!.id);
    expect(a).toMatchObject({ attempt: 1, statusCode: null });
    expect(a!.error).toMatch(/\S/);
  });
});

describe("overlapping scheduled runs", () => {
  it("never sends an attempt twice when two scheduled runs overlap", async () => {
    const t = await tenant("wh overlap");
    const a = await createEndpoint(t, uniqueName("overlap-a"));
    const b = await createEndpoint(t, uniqueName("overlap-b"));
    // Events written straight to the outbox (as a change does, minus the immediate attempt), so
    // every delivery is pending with no attempt yet: only the scheduled runs can send them.
    const eventIds = await withDb((db) =>
      db.transaction(async (tx) => {
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) ids.push(await outboxEvent(tx, t.tenantId, { id: `lic_overlap_${i}`, n: i }));
        return ids;
      }),
    );
    const pending = [...(await deliveriesOf(a.id)), ...(await deliveriesOf(b.id))];
    expect(pending).toHaveLength(24);
    expect(pending.every((d) => d.status === "pending" && d.attempts === 0)).toBe(true);
    expect(await received(a.name)).toHaveLength(0);
    const ids = pending.map((d) => d.id);
    await makeDue(ids);

    await Promise.all([runScheduledJobs(env), runScheduledJobs(env)]);
    await settle(ids);

    for (const ep of [a, b]) {
      const calls = await received(ep.name);
      const webhookIds = calls.map((c) => c.headers["webhook-id"]);
      expect(webhookIds.length, `${ep.name}: one call per event`).toBe(12);
      expect(new Set(webhookIds)).toEqual(new Set(eventIds));
      for (const c of calls) expect((await verifyWebhook(ep.secret, c.headers, c.body)).type).toBe("license.updated");
      for (const d of await deliveriesOf(ep.id)) {
        expect(d).toMatchObject({ status: "succeeded", attempts: 1 });
        expect((await attemptsOf(d.id)).map((x) => x.attempt)).toEqual([1]);
      }
    }
  });

  it("never sends an attempt twice under four concurrent runs either", async () => {
    const t = await tenant("wh overlap 4");
    const ep = await createEndpoint(t, uniqueName("overlap4"));
    await withDb((db) =>
      db.transaction(async (tx) => {
        for (let i = 0; i < 20; i++) await outboxEvent(tx, t.tenantId, { n: i });
      }),
    );
    const ids = (await deliveriesOf(ep.id)).map((d) => d.id);
    expect(ids).toHaveLength(20);
    await makeDue(ids);
    await Promise.all([runScheduledJobs(env), runScheduledJobs(env), runScheduledJobs(env), runScheduledJobs(env)]);
    await settle(ids);
    const calls = await received(ep.name);
    expect(calls).toHaveLength(20);
    expect(new Set(calls.map((c) => c.headers["webhook-id"])).size).toBe(20);
    const attempts = await withDb((db) =>
      db
        .select({ n: count() })
        .from(webhookAttempts)
        .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
        .where(eq(webhookDeliveries.endpointId, ep.id)),
    );
    expect(attempts[0]!.n).toBe(20);
  });
});

describe("endpoint isolation", () => {
  it("one endpoint's failures do not block another's deliveries", async () => {
    const t = await tenant("wh isolation");
    const bad = await createEndpoint(t, uniqueName("iso-bad"));
    const good = await createEndpoint(t, uniqueName("iso-good"));
    await program(bad.name, { statuses: [500] });

    for (let i = 0; i < 3; i++) await emitApiKeyCreated(t);
    expect(await received(good.name)).toHaveLength(3);
    expect(await received(bad.name)).toHaveLength(3);
    expect((await deliveriesOf(good.id)).map((d) => d.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect((await deliveriesOf(bad.id)).map((d) => d.status)).toEqual(["pending", "pending", "pending"]);

    // With the failing endpoint's backlog due (and claimed first: older next_attempt_at), a new
    // event still reaches the good endpoint, and the scheduled run retries the backlog.
    const backlog = (await deliveriesOf(bad.id)).map((d) => d.id);
    await makeDue(backlog);
    const last = await emitApiKeyCreated(t);
    await runCron([...backlog]);
    const goodCalls = await received(good.name);
    expect(goodCalls).toHaveLength(4);
    expect(parseBody(goodCalls[3]!).data.id).toBe(last.keyId);
    expect((await deliveriesOf(good.id)).every((d) => d.status === "succeeded" && d.attempts === 1)).toBe(true);
    const badDeliveries = await deliveriesOf(bad.id);
    expect(badDeliveries.map((d) => d.attempts)).toEqual([2, 2, 2, 1]);
    expect(badDeliveries.every((d) => d.status === "pending" && d.lastStatusCode === 500)).toBe(true);
  });
});

describe("final failure and POST /v1/webhook-deliveries/{id}/redeliver (redeliverWebhookDelivery)", () => {
  it(`gives up after MAX_ATTEMPTS (${MAX_ATTEMPTS}) failures, with the backoff schedule between attempts`, async () => {
    // The schedule: one immediate attempt plus one per RETRY_SCHEDULE_S entry, over about three days.
    expect(MAX_ATTEMPTS).toBe(RETRY_SCHEDULE_S.length + 1);
    const totalH = RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0) / 3600;
    expect(totalH).toBeGreaterThan(60);
    expect(totalH).toBeLessThan(96);
    const t = await tenant("wh max attempts");
    const ep = await createEndpoint(t, uniqueName("max"));
    await program(ep.name, { statuses: [500] });
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);

    // Still being retried: redeliver is refused.
    const early = await act(`/v1/webhook-deliveries/${d!.id}/redeliver`, { method: "POST", token: t.apiKey });
    await expectError(early, 409, "CONFLICT");

    for (let n = 1; n < MAX_ATTEMPTS; n++) {
      const current = await deliveryById(d!.id);
      expect(current).toMatchObject({ status: "pending", attempts: n });
      expectBackoff(retryDelayS(current, (await attemptsOf(d!.id))[n - 1]!), n);
      await makeDue([d!.id]);
      await runCron([d!.id]);
    }

    const failed = await deliveryById(d!.id);
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, lastStatusCode: 500, lastError: "HTTP 500", deliveredAt: null });
    const calls = await received(ep.name);
    expect(calls).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(calls.map((c) => c.headers["webhook-id"]))).toEqual(new Set([d!.eventId]));
    expect((await attemptsOf(d!.id)).map((a) => a.statusCode)).toEqual(Array(MAX_ATTEMPTS).fill(500));

    // Failed is final: even made due, a scheduled run does not send it again.
    await makeDue([d!.id]);
    await runCron([d!.id]);
    expect(await received(ep.name)).toHaveLength(MAX_ATTEMPTS);
    const listed = await json(await act(`/v1/webhooks/${ep.id}/deliveries?status=failed`, { token: t.apiKey }));
    expect(listed.data.map((x: any) => [x.id, x.status, x.attempts, x.next_attempt_at])).toEqual([[d!.id, "failed", MAX_ATTEMPTS, null]]);
  });

  it("redelivers a failed delivery with the same webhook-id once the receiver is fixed", async () => {
    const t = await tenant("wh redeliver");
    const ep = await createEndpoint(t, uniqueName("redeliver"));
    await program(ep.name, { statuses: [500] });
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    // Exhaust the attempts quickly: the first failed already; fail the rest through the cron.
    for (let n = 1; n < MAX_ATTEMPTS; n++) {
      await makeDue([d!.id]);
      await runCron([d!.id]);
    }
    expect(await deliveryById(d!.id)).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });

    await program(ep.name, { statuses: [200] });
    const res = await act(`/v1/webhook-deliveries/${d!.id}/redeliver`, { method: "POST", token: t.apiKey });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ id: d!.id, event_id: d!.eventId, status: "pending", attempts: 0 });

    // It arrived (the redelivery's immediate attempt is done when `act` returns), same webhook-id.
    const calls = await received(ep.name);
    expect(calls).toHaveLength(MAX_ATTEMPTS + 1);
    const last = calls.at(-1)!;
    expect(last.headers["webhook-id"]).toBe(d!.eventId);
    expect((await verifyWebhook(ep.secret, last.headers, last.body)).type).toBe("api_key.created");

    // And it is recorded as delivered, so it is not sent again.
    const after = await deliveryById(d!.id);
    expect(after).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 200, lastError: null });
    expect(after.deliveredAt).toBeInstanceOf(Date);
    const attempts = await attemptsOf(d!.id);
    expect(attempts.at(-1)).toMatchObject({ statusCode: 200, error: null });
  });

  it("a redelivered event is sent once: it is not sent again when the attempt's lease runs out", async () => {
    const t = await tenant("wh redeliver once");
    const ep = await createEndpoint(t, uniqueName("redeliver-once"));
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: "succeeded", attempts: 1 });
    // Redelivering a delivered event is allowed (the receiver asked for it again).
    const res = await act(`/v1/webhook-deliveries/${d!.id}/redeliver`, { method: "POST", token: t.apiKey });
    expect(res.status).toBe(200);
    expect(await received(ep.name)).toHaveLength(2);
    // An attempt's claim is a 60 s lease: past it, an unrecorded attempt is due again. Moving the
    // time past the lease (see makeDue) and running the cron must not send the event a third time.
    await makeDue([d!.id]);
    await runCron([d!.id]);
    const calls = await received(ep.name);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.headers["webhook-id"])).toEqual([d!.eventId, d!.eventId]);
  });

  it("redeliver: 409 while pending, 404 for an unknown or another tenant's delivery, 403 without webhooks:write", async () => {
    const t = await tenant("wh redeliver errors");
    const other = await tenant("wh redeliver other");
    const ep = await createEndpoint(t, uniqueName("redeliver-err"));
    await program(ep.name, { statuses: [500] });
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    expect(d!.status).toBe("pending");
    await expectError(await act(`/v1/webhook-deliveries/${d!.id}/redeliver`, { method: "POST", token: t.apiKey }), 409, "CONFLICT");
    await expectError(await act(`/v1/webhook-deliveries/${d!.id}/redeliver`, { method: "POST", token: other.apiKey }), 404, "NOT_FOUND");
    await expectError(await act(`/v1/webhook-deliveries/dlv_doesnotexist000000000000/redeliver`, { method: "POST", token: t.apiKey }), 404, "NOT_FOUND");
    const readOnly = await insertApiKey(t.tenantId, { permissions: ["webhooks:read"] });
    await expectError(await act(`/v1/webhook-deliveries/${d!.id}/redeliver`, { method: "POST", token: readOnly.secret }), 403, "FORBIDDEN");
    // Nothing changed.
    expect(await deliveryById(d!.id)).toMatchObject({ status: "pending", attempts: 1 });
  });
});

describe("license.expired", () => {
  /** Scheduled runs until the license's expiry is announced (each run announces up to 100, oldest unspecified). */
  async function cronUntilAnnounced(licenseId: string): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await runScheduledJobs(env);
      const [row] = await withDb((db) => db.select({ at: licenses.expiryNotifiedAt }).from(licenses).where(eq(licenses.id, licenseId)));
      if (row?.at) return;
    }
    throw new Error(`license ${licenseId} was never announced as expired`);
  }

  const expiredEvents = async (tenantId: string) =>
    withDb((db) =>
      db
        .select()
        .from(webhookEvents)
        .where(and(eq(webhookEvents.tenantId, tenantId), eq(webhookEvents.type, "license.expired"))),
    );

  it("is emitted once by the scheduled run for an active license past its expiry", async () => {
    const t = await tenant("wh expired");
    const ep = await createEndpoint(t, uniqueName("expired"), { event_types: ["license.expired"] });
    const expired = await seedLicense(t.tenantId, { expiresAt: new Date(Date.now() - 60_000) });
    const live = await seedLicense(t.tenantId, { expiresAt: new Date(Date.now() + 86400_000) });
    const suspended = await seedLicense(t.tenantId, { expiresAt: new Date(Date.now() - 60_000), status: "suspended" });

    await cronUntilAnnounced(expired.licenseId);
    const [dl] = await deliveriesOf(ep.id);
    await runCron(dl ? [dl.id] : []);
    let calls = await received(ep.name);
    expect(calls).toHaveLength(1);
    const event = (await verifyWebhook(ep.secret, calls[0]!.headers, calls[0]!.body)) as any;
    expect(event.type).toBe("license.expired");
    expect(event.data.id).toBe(expired.licenseId);
    expect(event.data.status).toBe("expired");
    expect(calls[0]!.body).not.toContain(expired.licenseKey);

    // Later runs do not announce it again, and never the live or the suspended one.
    await runCron([]);
    await runCron([]);
    expect(await received(ep.name)).toHaveLength(1);
    const events = await expiredEvents(t.tenantId);
    expect(events).toHaveLength(1);
    expect(events[0]!.id).toBe(calls[0]!.headers["webhook-id"]);
    const stored = await withDb((db) => db.select({ id: licenses.id, at: licenses.expiryNotifiedAt }).from(licenses).where(eq(licenses.tenantId, t.tenantId)));
    const notified = Object.fromEntries(stored.map((r) => [r.id, r.at !== null]));
    expect(notified).toEqual({ [expired.licenseId]: true, [live.licenseId]: false, [suspended.licenseId]: false });

    // Renewed, then past its (new) expiry again: announced once more.
    const renewed = await act(`/v1/licenses/${expired.licenseId}/renew`, { token: t.apiKey, body: { extend_by_s: 3600 } });
    expect(renewed.status).toBe(200);
    await setLicenseState(expired.licenseId, { expiresAt: new Date(Date.now() - 1000) });
    await cronUntilAnnounced(expired.licenseId);
    const again = (await deliveriesOf(ep.id)).map((d) => d.id);
    await runCron(again);
    calls = await received(ep.name);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.headers["webhook-id"]).not.toBe(calls[0]!.headers["webhook-id"]);
    expect(parseBody(calls[1]!).type).toBe("license.expired");
    expect(await expiredEvents(t.tenantId)).toHaveLength(2);
  });

  it("is announced again after a PATCH moves the expiry, as after a renewal", async () => {
    const t = await tenant("wh expired patch");
    const license = await seedLicense(t.tenantId, { expiresAt: new Date(Date.now() - 60_000) });
    await cronUntilAnnounced(license.licenseId);
    expect(await expiredEvents(t.tenantId)).toHaveLength(1);
    const patched = await act(`/v1/licenses/${license.licenseId}`, {
      token: t.apiKey,
      method: "PATCH",
      body: { expires_at: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(patched.status).toBe(200);
    const [row] = await withDb((db) => db.select({ at: licenses.expiryNotifiedAt }).from(licenses).where(eq(licenses.id, license.licenseId)));
    expect(row!.at).toBeNull();
    // A PATCH of anything else leaves the announcement alone.
    await setLicenseState(license.licenseId, { expiresAt: new Date(Date.now() - 1000) });
    await cronUntilAnnounced(license.licenseId);
    expect((await act(`/v1/licenses/${license.licenseId}`, { token: t.apiKey, method: "PATCH", body: { plan: "gold" } })).status).toBe(200);
    const [after] = await withDb((db) => db.select({ at: licenses.expiryNotifiedAt }).from(licenses).where(eq(licenses.id, license.licenseId)));
    expect(after!.at).not.toBeNull();
    expect(await expiredEvents(t.tenantId)).toHaveLength(2);
  });
});
