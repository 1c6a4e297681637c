// An endpoint's health, as GET /v1/webhooks and GET /v1/webhooks/{id} carry it: `failing` exactly
// when its most recent attempt got no 2xx, with that attempt's status and error, since when, and
// how many deliveries are retrying or failed; `healthy` after a 2xx; `unknown` before any attempt.
// And a delivery's detail (GET /v1/webhooks/{id}/deliveries/{delivery_id}): the exact payload and
// every attempt with the receiver's status, the start of its answer and the time taken.
import { verifyWebhook } from "@edge-license/sdk";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { RESPONSE_EXCERPT_CHARS, webhookDeliveries, webhookEndpoints } from "../../src/db/schema";
import { MAX_ATTEMPTS } from "../../src/services/webhook-delivery";
import { expectError, insertApiKey, json, withDb } from "../harness";
import {
  act,
  attemptsOf,
  createEndpoint,
  deliveriesOf,
  emitApiKeyCreated,
  program,
  RECEIVER,
  received,
  receiverUrl,
  trackedTenants,
  uniqueName,
} from "./helpers";

const tenant = trackedTenants();

const getEndpoint = async (token: string, id: string) => {
  const res = await act(`/v1/webhooks/${id}`, { token });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};

describe("GET /v1/webhooks/{id} (getWebhook) and GET /v1/webhooks (listWebhooks): health", () => {
  it("is unknown before any attempt", async () => {
    const t = await tenant("wh health unknown");
    const ep = await createEndpoint(t, uniqueName("health-new"));
    const unknown = { status: "unknown", last_attempt_at: null, last_response_status: null, last_error: null, failing_since: null, retrying: 0, failed: 0 };
    // Created, read and listed: the same health everywhere an endpoint is answered.
    expect(ep.body.health).toEqual(unknown);
    expect((await getEndpoint(t.apiKey, ep.id)).health).toEqual(unknown);
    const listed = await json(await act("/v1/webhooks", { token: t.apiKey }));
    expect(listed.data.map((e: any) => [e.id, e.health])).toEqual([[ep.id, unknown]]);
  });

  it("an endpoint whose receiver answers 500 is failing, with the last status, since its first failure, and its retrying deliveries counted", async () => {
    const t = await tenant("wh health failing");
    const ep = await createEndpoint(t, uniqueName("health-500"));
    await program(ep.name, { statuses: [500] });
    await emitApiKeyCreated(t);
    await emitApiKeyCreated(t);
    const deliveries = await deliveriesOf(ep.id);
    expect(deliveries.map((d) => [d.status, d.attempts])).toEqual([
      ["pending", 1],
      ["pending", 1],
    ]);
    const attempts = [...(await attemptsOf(deliveries[0]!.id)), ...(await attemptsOf(deliveries[1]!.id))].sort(
      (a, b) => a.attemptedAt.getTime() - b.attemptedAt.getTime(),
    );
    const health = {
      status: "failing",
      last_attempt_at: attempts[1]!.attemptedAt.toISOString(),
      last_response_status: 500,
      last_error: "HTTP 500",
      failing_since: attempts[0]!.attemptedAt.toISOString(),
      retrying: 2,
      failed: 0,
    };
    expect((await getEndpoint(t.apiKey, ep.id)).health).toEqual(health);
    // Listed with another endpoint that is fine: each has its own health, read for the page at once.
    const good = await createEndpoint(t, uniqueName("health-ok"));
    await emitApiKeyCreated(t);
    const listed = await json(await act("/v1/webhooks", { token: t.apiKey }));
    const byId = Object.fromEntries(listed.data.map((e: any) => [e.id, e.health]));
    expect(byId[ep.id]).toMatchObject({ status: "failing", last_response_status: 500, failing_since: health.failing_since, retrying: 3, failed: 0 });
    expect(byId[good.id]).toMatchObject({ status: "healthy", last_response_status: 200, last_error: null, failing_since: null, retrying: 0, failed: 0 });
    expect(Date.parse(byId[ep.id].last_attempt_at)).toBeGreaterThan(Date.parse(health.last_attempt_at));

    // Another tenant sees none of it.
    const other = await tenant("wh health other");
    await expectError(await act(`/v1/webhooks/${ep.id}`, { token: other.apiKey }), 404, "NOT_FOUND");
    expect((await json(await act("/v1/webhooks", { token: other.apiKey }))).data).toEqual([]);
  });

  it("turns healthy at the next 2xx, and failing again at the next failure, since that failure", async () => {
    const t = await tenant("wh health flip");
    const ep = await createEndpoint(t, uniqueName("health-flip"));
    await program(ep.name, { statuses: [503, 200, 500] });
    await emitApiKeyCreated(t);
    expect((await getEndpoint(t.apiKey, ep.id)).health).toMatchObject({ status: "failing", last_response_status: 503, last_error: "HTTP 503" });
    await emitApiKeyCreated(t);
    const healthy = (await getEndpoint(t.apiKey, ep.id)).health;
    expect(healthy).toMatchObject({ status: "healthy", last_response_status: 200, last_error: null, failing_since: null, retrying: 1, failed: 0 });
    await emitApiKeyCreated(t);
    const failing = (await getEndpoint(t.apiKey, ep.id)).health;
    expect(failing).toMatchObject({ status: "failing", last_response_status: 500, last_error: "HTTP 500", retrying: 2 });
    // The run of failures starts after the 2xx: the 503 before it is not part of it.
    expect(failing.failing_since).toBe(failing.last_attempt_at);
    expect(Date.parse(failing.failing_since)).toBeGreaterThan(Date.parse(healthy.last_attempt_at));
  });

  it("a receiver that cannot be reached is failing with no status and the network error", async () => {
    const t = await tenant("wh health down");
    // Nothing listens on port 1 (loopback receivers are allowed in tests).
    const res = await act("/v1/webhooks", { token: t.apiKey, body: { url: "http://127.0.0.1:1/nothing-here" } });
    const ep = await json(res);
    expect(res.status, JSON.stringify(ep)).toBe(201);
    await emitApiKeyCreated(t);
    const { health } = await getEndpoint(t.apiKey, ep.id);
    expect(health).toMatchObject({ status: "failing", last_response_status: null, retrying: 1, failed: 0 });
    expect(health.last_error).toMatch(/\S/);
    expect(health.last_error.length).toBeLessThanOrEqual(200);
    expect(health.failing_since).toBe(health.last_attempt_at);
  });

  it("counts failed deliveries apart from retrying ones", async () => {
    const t = await tenant("wh health failed");
    const ep = await createEndpoint(t, uniqueName("health-failed"));
    await program(ep.name, { statuses: [500] });
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    // A delivery that used every attempt, as the schedule leaves it after about three days.
    await withDb((db) =>
      db
        .update(webhookDeliveries)
        .set({ status: "failed", attempts: MAX_ATTEMPTS })
        .where(eq(webhookDeliveries.id, d!.id))
        .then(() => undefined),
    );
    expect((await getEndpoint(t.apiKey, ep.id)).health).toMatchObject({ status: "failing", retrying: 0, failed: 1 });
  });
});

describe("GET /v1/webhooks/{id}/deliveries/{delivery_id} (getWebhookDelivery)", () => {
  it("answers the exact payload sent and every attempt with its status, answer excerpt and timing", async () => {
    const t = await tenant("wh delivery detail");
    const ep = await createEndpoint(t, uniqueName("detail"));
    await program(ep.name, { statuses: [500, 200] });
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    const retried = await act(`/v1/webhooks/${ep.id}/deliveries/${d!.id}/retry`, { method: "POST", token: t.apiKey });
    expect(retried.status).toBe(200);

    const res = await act(`/v1/webhooks/${ep.id}/deliveries/${d!.id}`, { token: t.apiKey });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    const calls = await received(ep.name);
    expect(calls).toHaveLength(2);
    // The payload is the body byte for byte: its signature verifies against it.
    expect(body.payload).toBe(calls[0]!.body);
    expect(((await verifyWebhook(ep.secret, calls[1]!.headers, body.payload)) as any).type).toBe("api_key.created");
    expect(body).toMatchObject({ id: d!.id, event_id: d!.eventId, event_type: "api_key.created", status: "succeeded", attempts: 2 });
    const stored = await attemptsOf(d!.id);
    expect(body.attempt_history).toEqual([
      {
        attempt: 1,
        attempted_at: stored[0]!.attemptedAt.toISOString(),
        duration_ms: stored[0]!.durationMs,
        status_code: 500,
        error: "HTTP 500",
        response_excerpt: "not now",
      },
      {
        attempt: 2,
        attempted_at: stored[1]!.attemptedAt.toISOString(),
        duration_ms: stored[1]!.durationMs,
        status_code: 200,
        error: null,
        response_excerpt: "ok",
      },
    ]);
    for (const a of body.attempt_history) expect(a.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it(`keeps at most the first ${RESPONSE_EXCERPT_CHARS} characters of a long answer`, async () => {
    const t = await tenant("wh delivery excerpt");
    // One endpoint collects deliveries; another points at the receiver's record of them, which
    // answers any request with that record as JSON: a long answer, known in advance.
    const source = await createEndpoint(t, uniqueName("excerpt-source"));
    for (let i = 0; i < 6; i++) await emitApiKeyCreated(t);
    const full = await (await fetch(`${RECEIVER}/__received/${source.name}`)).text();
    expect(full.length).toBeGreaterThan(RESPONSE_EXCERPT_CHARS);
    const res = await act("/v1/webhooks", { token: t.apiKey, body: { url: `${RECEIVER}/__received/${source.name}`, event_types: ["license.created"] } });
    const long = await json(res);
    expect(res.status).toBe(201);
    const test = await json(await act(`/v1/webhooks/${long.id}/test`, { method: "POST", token: t.apiKey }));
    expect(test.attempt.status_code).toBe(200);
    expect(test.attempt.response_excerpt).toBe(full.slice(0, RESPONSE_EXCERPT_CHARS));
    const detail = await json(await act(`/v1/webhooks/${long.id}/deliveries/${test.delivery.id}`, { token: t.apiKey }));
    expect(detail.attempt_history.map((a: any) => a.response_excerpt.length)).toEqual([RESPONSE_EXCERPT_CHARS]);
  });

  it("answers 404 for another tenant's delivery, or one of another endpoint, and 403 without webhooks:read", async () => {
    const t = await tenant("wh detail errors");
    const other = await tenant("wh detail other");
    const ep = await createEndpoint(t, uniqueName("detail-err"));
    const second = await createEndpoint(t, uniqueName("detail-err2"));
    await emitApiKeyCreated(t);
    const [d] = await deliveriesOf(ep.id);
    await expectError(await act(`/v1/webhooks/${ep.id}/deliveries/${d!.id}`, { token: other.apiKey }), 404, "NOT_FOUND");
    await expectError(await act(`/v1/webhooks/${second.id}/deliveries/${d!.id}`, { token: t.apiKey }), 404, "NOT_FOUND");
    await expectError(await act(`/v1/webhooks/${ep.id}/deliveries/dlv_unknown`, { token: t.apiKey }), 404, "NOT_FOUND");
    const writeOnly = await insertApiKey(t.tenantId, { permissions: ["webhooks:write"] });
    await expectError(await act(`/v1/webhooks/${ep.id}/deliveries/${d!.id}`, { token: writeOnly.secret }), 403, "FORBIDDEN");
    // The endpoint row is the tenant's: the URL stays where it was registered.
    const [row] = await withDb((db) => db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id)));
    expect(row!.url).toBe(receiverUrl(ep.name));
  });
});
