// Send test event (POST /v1/webhooks/{id}/test): one `webhook.test` event to that endpoint only,
// sent within the request, signed per Standard Webhooks like every delivery, under the same URL
// rules, answered with the attempt's outcome, listed among the endpoint's deliveries and never
// retried by itself.
import { env } from "cloudflare:workers";
import { verifyWebhook } from "@edge-license/sdk";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { serviceConfig } from "../../src/config";
import { webhookEndpoints } from "../../src/db/schema";
import { deliverDue } from "../../src/services/webhook-delivery";
import { callWithEnv, expectError, insertApiKey, json, withDb } from "../harness";
import { act, attemptsOf, auditRows, createEndpoint, deliveriesOf, deliveryById, makeDue, program, received, trackedTenants, uniqueName } from "./helpers";

const tenant = trackedTenants();

const sendTest = (token: string, endpointId: string) => act(`/v1/webhooks/${endpointId}/test`, { method: "POST", token });

describe("POST /v1/webhooks/{id}/test (sendWebhookTest)", () => {
  it("sends a signed webhook.test event to that endpoint only and answers the outcome", async () => {
    const t = await tenant("wh test event");
    const ep = await createEndpoint(t, uniqueName("test-event"), { event_types: ["license.revoked"] });
    const bystander = await createEndpoint(t, uniqueName("test-bystander"));

    const res = await sendTest(t.apiKey, ep.id);
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    const [d] = await deliveriesOf(ep.id);
    const [a] = await attemptsOf(d!.id);
    expect(body).toEqual({
      succeeded: true,
      attempt: { attempt: 1, attempted_at: a!.attemptedAt.toISOString(), duration_ms: a!.durationMs, status_code: 200, error: null, response_excerpt: "ok" },
      delivery: {
        id: d!.id,
        event_id: d!.eventId,
        event_type: "webhook.test",
        endpoint_id: ep.id,
        status: "succeeded",
        attempts: 1,
        next_attempt_at: null,
        last_status_code: 200,
        last_error: null,
        last_duration_ms: a!.durationMs,
        delivered_at: d!.deliveredAt!.toISOString(),
        created_at: d!.createdAt.toISOString(),
      },
    });

    // The receiver verifies it as any Standard Webhooks receiver would: the SDK and the reference library.
    const calls = await received(ep.name);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.headers["webhook-id"]).toBe(d!.eventId);
    expect(call.headers["webhook-id"]).toMatch(/^msg_/);
    expect(call.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    const event = (await verifyWebhook(ep.secret, call.headers, call.body)) as any;
    expect(event).toEqual({ type: "webhook.test", timestamp: expect.any(String), data: { endpoint_id: ep.id, message: expect.stringMatching(/test/) } });
    expect(new Webhook(ep.secret.slice("whsec_".length)).verify(call.body, call.headers)).toEqual(event);
    await expect(verifyWebhook(bystander.secret, call.headers, call.body)).rejects.toThrow();
    // To this endpoint only (whatever it subscribes to): the other one got nothing.
    expect(await received(bystander.name)).toEqual([]);
    expect(await deliveriesOf(bystander.id)).toEqual([]);

    // Listed with the endpoint's deliveries, counted in its health, audited.
    const listed = await json(await act(`/v1/webhooks/${ep.id}/deliveries`, { token: t.apiKey }));
    expect(listed.data.map((x: any) => [x.id, x.event_type, x.status])).toEqual([[d!.id, "webhook.test", "succeeded"]]);
    const shown = await json(await act(`/v1/webhooks/${ep.id}`, { token: t.apiKey }));
    expect(shown.health).toMatchObject({ status: "healthy", last_response_status: 200, last_attempt_at: a!.attemptedAt.toISOString() });
    const audited = (await auditRows(t.apiKey)).filter((r) => r.action === "webhook.test");
    expect(audited.map((r) => [r.target_type, r.target_id, r.request_id])).toEqual([["webhook_endpoint", ep.id, res.headers.get("X-Request-Id")]]);
  });

  it("answers a failing receiver's status and answer, shows the endpoint failing, and is never retried by itself", async () => {
    const t = await tenant("wh test event failing");
    const ep = await createEndpoint(t, uniqueName("test-500"));
    await program(ep.name, { statuses: [500] });
    const body = await json(await sendTest(t.apiKey, ep.id));
    expect(body).toMatchObject({
      succeeded: false,
      attempt: { attempt: 1, status_code: 500, error: "HTTP 500", response_excerpt: "not now" },
      delivery: { event_type: "webhook.test", status: "failed", attempts: 1, next_attempt_at: null },
    });
    const shown = await json(await act(`/v1/webhooks/${ep.id}`, { token: t.apiKey }));
    expect(shown.health).toMatchObject({ status: "failing", last_response_status: 500, last_error: "HTTP 500", retrying: 0, failed: 1 });
    // Even made due, the scheduled delivery leaves it alone: failed is final.
    await makeDue([body.delivery.id]);
    expect(await withDb((db) => deliverDue(db, serviceConfig(env), { eventIds: [body.delivery.event_id] }))).toBe(0);
    expect(await received(ep.name)).toHaveLength(1);
    expect(await deliveryById(body.delivery.id)).toMatchObject({ status: "failed", attempts: 1, claimedUntil: null });
  });

  it("is sent to a disabled endpoint too, so a receiver can be tried before it is enabled", async () => {
    const t = await tenant("wh test event disabled");
    const ep = await createEndpoint(t, uniqueName("test-disabled"), { enabled: false });
    const body = await json(await sendTest(t.apiKey, ep.id));
    expect(body).toMatchObject({ succeeded: true, attempt: { status_code: 200 } });
    expect(await received(ep.name)).toHaveLength(1);
  });

  it("respects the URL rules at send: a stored private address is refused and nothing is sent", async () => {
    const t = await tenant("wh test event ssrf");
    const ep = await createEndpoint(t, uniqueName("test-ssrf"));
    // Registration refuses it, so the stored URL is changed underneath, as in ssrf.test.ts.
    await withDb((db) =>
      db
        .update(webhookEndpoints)
        .set({ url: "https://10.0.0.1/hook" })
        .where(eq(webhookEndpoints.id, ep.id))
        .then(() => undefined),
    );
    const body = await json(await sendTest(t.apiKey, ep.id));
    expect(body).toMatchObject({ succeeded: false, attempt: { status_code: null, response_excerpt: null }, delivery: { status: "failed" } });
    expect(body.attempt.error).toMatch(/^url refused: /);
    // And a loopback receiver, allowed in tests, is refused where loopback is not allowed.
    const loopback = await createEndpoint(t, uniqueName("test-loopback"));
    const res = await callWithEnv({ WEBHOOK_ALLOW_LOOPBACK: "false" }, `/v1/webhooks/${loopback.id}/test`, { method: "POST", token: t.apiKey });
    const refused = await json(res);
    expect(res.status).toBe(200);
    expect(refused).toMatchObject({ succeeded: false, attempt: { status_code: null } });
    expect(refused.attempt.error).toMatch(/^url refused: /);
    expect(await received(loopback.name)).toEqual([]);
  });

  it("answers 404 for another tenant's endpoint and 403 without webhooks:write, sending nothing", async () => {
    const t = await tenant("wh test event errors");
    const other = await tenant("wh test event errors other");
    const ep = await createEndpoint(t, uniqueName("test-err"));
    await expectError(await sendTest(other.apiKey, ep.id), 404, "NOT_FOUND");
    await expectError(await sendTest(t.apiKey, "whk_doesnotexist"), 404, "NOT_FOUND");
    const readOnly = await insertApiKey(t.tenantId, { permissions: ["webhooks:read"] });
    await expectError(await sendTest(readOnly.secret, ep.id), 403, "FORBIDDEN");
    expect(await received(ep.name)).toEqual([]);
    expect(await deliveriesOf(ep.id)).toEqual([]);
  });
});
