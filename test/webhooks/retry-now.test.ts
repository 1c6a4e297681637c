// Retry now (POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry): a retrying delivery is
// attempted within the request, its schedule goes on from that attempt, a delivered one answers
// 409 ALREADY_DELIVERED, and a retry racing the scheduled run (or another retry) sends once.
//
// The scheduled side of each race is `deliverDue`, the cron's webhook step, limited to this test's
// event so it never takes another file's deliveries (delivery.test.ts owns the full cron runs).
import { env } from "cloudflare:workers";
import { verifyWebhook } from "@edge-license/sdk";
import { describe, expect, it } from "vitest";
import { serviceConfig } from "../../src/config";
import { deliverDue, MAX_ATTEMPTS, RETRY_SCHEDULE_S } from "../../src/services/webhook-delivery";
import { expectError, insertApiKey, json, withDb } from "../harness";
import {
  act,
  attemptsOf,
  auditRows,
  createEndpoint,
  deliveriesOf,
  deliveryById,
  emitApiKeyCreated,
  makeDue,
  program,
  received,
  retryDelayS,
  settle,
  trackedTenants,
  uniqueName,
} from "./helpers";

const tenant = trackedTenants();

const retry = (token: string, endpointId: string, deliveryId: string) =>
  act(`/v1/webhooks/${endpointId}/deliveries/${deliveryId}/retry`, { method: "POST", token });

/** The cron's webhook step, for one event's deliveries only. */
const scheduledRun = (eventId: string) => withDb((db) => deliverDue(db, serviceConfig(env), { eventIds: [eventId] }));

describe("POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry (retryWebhookDelivery)", () => {
  it("delivers a retrying delivery at once, with the same webhook-id, and answers the attempt", async () => {
    const t = await tenant("wh retry now");
    const ep = await createEndpoint(t, uniqueName("retry-now"));
    await program(ep.name, { statuses: [500, 200] });
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    // Its next scheduled attempt is minutes away; retry now does not wait for it.
    expect(d!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    const res = await retry(t.apiKey, ep.id, d!.id);
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    const [, second] = await attemptsOf(d!.id);
    expect(body).toEqual({
      succeeded: true,
      attempt: {
        attempt: 2,
        attempted_at: second!.attemptedAt.toISOString(),
        duration_ms: second!.durationMs,
        status_code: 200,
        error: null,
        response_excerpt: "ok",
      },
      delivery: expect.objectContaining({ id: d!.id, status: "succeeded", attempts: 2, last_status_code: 200, last_error: null, next_attempt_at: null }),
    });
    const calls = await received(ep.name);
    expect(calls.map((c) => c.headers["webhook-id"])).toEqual([d!.eventId, d!.eventId]);
    expect(((await verifyWebhook(ep.secret, calls[1]!.headers, calls[1]!.body)) as any).type).toBe("api_key.created");
    expect((await deliveryById(d!.id)).claimedUntil).toBeNull();
    // The endpoint is healthy again, and the retry is in the audit log.
    const shown = await json(await act(`/v1/webhooks/${ep.id}`, { token: t.apiKey }));
    expect(shown.health).toMatchObject({ status: "healthy", last_response_status: 200, retrying: 0, failed: 0 });
    const audited = (await auditRows(t.apiKey)).filter((r) => r.action === "webhook.retry");
    expect(audited.map((r) => [r.target_type, r.target_id, r.actor, r.request_id])).toEqual([
      ["webhook_delivery", d!.id, t.apiKeyId, res.headers.get("X-Request-Id")],
    ]);
  });

  it("a failed retry keeps the schedule: the next retry waits as after that attempt, and the last attempt marks it failed", async () => {
    const t = await tenant("wh retry schedule");
    const ep = await createEndpoint(t, uniqueName("retry-schedule"));
    await program(ep.name, { statuses: [500] });
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    for (let n = 2; n <= MAX_ATTEMPTS; n++) {
      const body = await json(await retry(t.apiKey, ep.id, d!.id));
      expect(body.succeeded).toBe(false);
      expect(body.attempt).toMatchObject({ attempt: n, status_code: 500, error: "HTTP 500", response_excerpt: "not now" });
      const row = await deliveryById(d!.id);
      if (n < MAX_ATTEMPTS) {
        expect(body.delivery).toMatchObject({ status: "pending", attempts: n });
        // Attempt n is followed by RETRY_SCHEDULE_S[n-1] ± 20%, as a scheduled attempt n would be.
        const delay = retryDelayS(row, (await attemptsOf(d!.id))[n - 1]!);
        expect(delay).toBeGreaterThanOrEqual(RETRY_SCHEDULE_S[n - 1]! * 0.8 - 1);
        expect(delay).toBeLessThanOrEqual(RETRY_SCHEDULE_S[n - 1]! * 1.2 + 1);
      } else {
        expect(body.delivery).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, next_attempt_at: null });
      }
    }
    expect(await received(ep.name)).toHaveLength(MAX_ATTEMPTS);
    expect((await json(await act(`/v1/webhooks/${ep.id}`, { token: t.apiKey }))).health).toMatchObject({ status: "failing", retrying: 0, failed: 1 });

    // A failed delivery can be retried too: once the receiver is back it arrives; had it failed, it would stay failed.
    const again = await json(await retry(t.apiKey, ep.id, d!.id));
    expect(again).toMatchObject({ succeeded: false, delivery: { status: "failed", attempts: MAX_ATTEMPTS + 1 } });
    await program(ep.name, { statuses: [200] });
    const fixed = await json(await retry(t.apiKey, ep.id, d!.id));
    expect(fixed).toMatchObject({ succeeded: true, attempt: { attempt: MAX_ATTEMPTS + 2, status_code: 200 }, delivery: { status: "succeeded" } });
    expect(await received(ep.name)).toHaveLength(MAX_ATTEMPTS + 2);
  });

  it("answers 409 ALREADY_DELIVERED for a delivered one, and sends nothing", async () => {
    const t = await tenant("wh retry delivered");
    const ep = await createEndpoint(t, uniqueName("retry-delivered"));
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ status: "succeeded", attempts: 1 });
    const error = await expectError(await retry(t.apiKey, ep.id, d!.id), 409, "ALREADY_DELIVERED");
    expect(error.message).toMatch(/redeliver/);
    expect(await received(ep.name)).toHaveLength(1);
    expect(await deliveryById(d!.id)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect((await auditRows(t.apiKey)).filter((r) => r.action === "webhook.retry")).toEqual([]);
  });

  it("a retry racing the scheduled run sends the delivery once", async () => {
    const t = await tenant("wh retry race");
    const ep = await createEndpoint(t, uniqueName("retry-race"));
    const outcomes: number[] = [];
    // Every round makes two calls: its first attempt fails (500), the second one succeeds (200).
    await program(ep.name, { statuses: Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 500 : 200)) });
    // Each round: a delivery whose first attempt failed, made due, then retried and run at once.
    for (let round = 0; round < 6; round++) {
      const before = (await received(ep.name)).length;
      await emitApiKeyCreated(t);
      const d = (await deliveriesOf(ep.id)).at(-1)!;
      await makeDue([d.id]);
      const [res] = await Promise.all([retry(t.apiKey, ep.id, d.id), scheduledRun(d.eventId)]);
      await settle([d.id]);
      outcomes.push(res.status);
      if (res.status !== 200) {
        const { code } = (await json(res)).error;
        expect(["DELIVERY_IN_PROGRESS", "ALREADY_DELIVERED"], `round ${round}`).toContain(code);
      }
      // Exactly one more call: the first attempt's, and one of the two.
      expect((await received(ep.name)).length - before, `round ${round}`).toBe(2);
      expect((await attemptsOf(d.id)).map((a) => a.statusCode)).toEqual([500, 200]);
      expect(await deliveryById(d.id)).toMatchObject({ status: "succeeded", attempts: 2, claimedUntil: null });
    }
    expect(outcomes.every((s) => s === 200 || s === 409)).toBe(true);
  });

  it("two retries at once send the delivery once: the other answers 409 DELIVERY_IN_PROGRESS or ALREADY_DELIVERED", async () => {
    const t = await tenant("wh retry twice");
    const ep = await createEndpoint(t, uniqueName("retry-twice"));
    await program(ep.name, { statuses: [500, 200] });
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    const answers = await Promise.all([retry(t.apiKey, ep.id, d!.id), retry(t.apiKey, ep.id, d!.id), retry(t.apiKey, ep.id, d!.id)]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const r of answers.filter((a) => a.status === 409)) expect(["DELIVERY_IN_PROGRESS", "ALREADY_DELIVERED"]).toContain((await json(r)).error.code);
    expect(await received(ep.name)).toHaveLength(2);
    expect((await attemptsOf(d!.id)).map((a) => a.attempt)).toEqual([1, 2]);
  });

  it("answers 404 for another tenant's endpoint or delivery, 403 without webhooks:write, 409 ENDPOINT_DISABLED", async () => {
    const t = await tenant("wh retry errors");
    const other = await tenant("wh retry errors other");
    const ep = await createEndpoint(t, uniqueName("retry-err"));
    const otherEp = await createEndpoint(other, uniqueName("retry-err-other"));
    await program(ep.name, { statuses: [500] });
    await emitApiKeyCreated(t);
    await emitApiKeyCreated(other);
    const [d] = await deliveriesOf(ep.id);
    const [otherD] = await deliveriesOf(otherEp.id);
    await expectError(await retry(other.apiKey, ep.id, d!.id), 404, "NOT_FOUND");
    await expectError(await retry(other.apiKey, otherEp.id, d!.id), 404, "NOT_FOUND");
    await expectError(await retry(t.apiKey, ep.id, otherD!.id), 404, "NOT_FOUND");
    await expectError(await retry(t.apiKey, ep.id, "dlv_doesnotexist"), 404, "NOT_FOUND");
    const readOnly = await insertApiKey(t.tenantId, { permissions: ["webhooks:read"] });
    await expectError(await retry(readOnly.secret, ep.id, d!.id), 403, "FORBIDDEN");
    expect((await act(`/v1/webhooks/${ep.id}`, { method: "PATCH", token: t.apiKey, body: { enabled: false } })).status).toBe(200);
    const disabled = await expectError(await retry(t.apiKey, ep.id, d!.id), 409, "ENDPOINT_DISABLED");
    expect(disabled.message).toMatch(/enable/);
    // Nothing was sent or changed by any of them.
    expect(await received(ep.name)).toHaveLength(1);
    expect(await deliveryById(d!.id)).toMatchObject({ status: "pending", attempts: 1 });
  });
});
