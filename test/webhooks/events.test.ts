// Every announced change emits its event when it happens, to every endpoint subscribed to it and
// to no other; each event verifies and carries no key or secret. (license.expired, emitted by the
// scheduled run, is covered in delivery.test.ts.)

import { verifyWebhook } from "@edge-license/sdk";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries } from "../../src/db/schema";
import { createTenant, type TestTenant, withDb } from "../harness";
import { createEndpoint, dropEndpoints, type Endpoint, parseBody, type Received, received, runScenario, type Scenario, settle, uniqueName } from "./helpers";

/** Calls in the order their events happened (the body's timestamp is the change's time). */
const byEventTime = (calls: Received[]) => [...calls].sort((a, b) => Date.parse(parseBody(a).timestamp) - Date.parse(parseBody(b).timestamp));

describe("webhook events", () => {
  let t: TestTenant;
  let all: Endpoint;
  let revokedOnly: Endpoint;
  let pair: Endpoint;
  let activations: Endpoint;
  let scenario: Scenario;
  let allCalls: Received[];

  beforeAll(async () => {
    t = await createTenant("wh events");
    all = await createEndpoint(t, uniqueName("ev-all"));
    revokedOnly = await createEndpoint(t, uniqueName("ev-revoked"), { event_types: ["license.revoked"] });
    pair = await createEndpoint(t, uniqueName("ev-pair"), { event_types: ["license.created", "api_key.revoked"] });
    activations = await createEndpoint(t, uniqueName("ev-act"), { event_types: ["activation.created", "activation.deleted"] });
    scenario = await runScenario(t);
    // Each change's delivery attempt is done when its call returns; should a concurrent scheduled
    // run (another file) have claimed one first, wait for it, and order calls by event time.
    const ids = await withDb((db) => db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.tenantId)));
    await settle(ids.map((r) => r.id));
    allCalls = byEventTime(await received(all.name));
  });

  afterAll(async () => {
    await dropEndpoints([t.tenantId]);
  });

  it("emits each event when its action happens, in order, to an endpoint subscribed to everything", () => {
    const expected = scenario.steps.filter((s) => s.event).map((s) => s.event);
    expect(expected).toEqual([
      "license.created",
      "license.updated",
      "license.renewed",
      "activation.created",
      "activation.created",
      "activation.deleted",
      "activation.deleted",
      "token.revoked",
      "license.suspended",
      "license.reinstated",
      "license.revoked",
      "api_key.created",
      "api_key.revoked",
    ]);
    expect(allCalls.map((c) => parseBody(c).type)).toEqual(expected);
  });

  it("every event carries the resource after the change", () => {
    const withEvents = scenario.steps.filter((s) => s.event);
    withEvents.forEach((s, i) => {
      const body = parseBody(allCalls[i]!);
      expect(body.type, s.label).toBe(s.event);
      s.data?.(body.data);
    });
  });

  it("every event verifies (standardwebhooks and SDK) and has its own webhook-id", async () => {
    for (const c of allCalls) {
      expect((new Webhook(all.secret).verify(c.body, c.headers) as any).type).toBe(parseBody(c).type);
      expect((await verifyWebhook(all.secret, c.headers, c.body)).type).toBe(parseBody(c).type);
      expect(Object.keys(JSON.parse(c.body)).sort()).toEqual(["data", "timestamp", "type"]);
    }
    expect(new Set(allCalls.map((c) => c.headers["webhook-id"])).size).toBe(allCalls.length);
  });

  it("filters by event_types: an endpoint subscribed only to license.revoked receives nothing else", async () => {
    const calls = byEventTime(await received(revokedOnly.name));
    expect(calls.map((c) => parseBody(c).type)).toEqual(["license.revoked"]);
    // The same event (same webhook-id) as the one the catch-all endpoint got, signed with this endpoint's secret.
    const revokedForAll = allCalls.find((c) => parseBody(c).type === "license.revoked")!;
    expect(calls[0]!.headers["webhook-id"]).toBe(revokedForAll.headers["webhook-id"]);
    expect((await verifyWebhook(revokedOnly.secret, calls[0]!.headers, calls[0]!.body)).data.id).toBe(scenario.licenseId);
    await expect(verifyWebhook(all.secret, calls[0]!.headers, calls[0]!.body)).rejects.toMatchObject({ code: "ERR_WEBHOOK_SIGNATURE" });

    expect(byEventTime(await received(pair.name)).map((c) => parseBody(c).type)).toEqual(["license.created", "api_key.revoked"]);
    expect(byEventTime(await received(activations.name)).map((c) => parseBody(c).type)).toEqual([
      "activation.created",
      "activation.created",
      "activation.deleted",
      "activation.deleted",
    ]);

    // Deliveries exist only for subscribed endpoints: 13 + 1 + 2 + 4, every one delivered at the first attempt.
    const rows = await withDb((db) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.tenantId)));
    expect(rows).toHaveLength(13 + 1 + 2 + 4);
    expect(rows.every((r) => r.status === "succeeded" && r.attempts === 1)).toBe(true);
  });

  it("no event carries a license key, an API key secret or a signing secret", async () => {
    const everything = [all, revokedOnly, pair, activations];
    const bodies = (await Promise.all(everything.map((e) => received(e.name)))).flat().map((c) => c.body);
    expect(bodies.length).toBeGreaterThan(0);
    const forbidden = [
      scenario.licenseKey,
      scenario.licenseKey.slice(3),
      scenario.apiKeySecret,
      scenario.apiKeySecret.slice(3),
      t.apiKey,
      ...everything.map((e) => e.secret.slice("whsec_".length)),
    ];
    for (const body of bodies) for (const secret of forbidden) expect(body).not.toContain(secret);
  });
});
