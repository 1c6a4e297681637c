// Secret rotation: during the overlap window every delivery carries two signatures (new and old),
// so a receiver holding either secret verifies it; after the window only the new secret signs.

import { verifyWebhook } from "@edge-license/sdk";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectError, insertApiKey, json, type TestTenant } from "../harness";
import { act, createEndpoint, emitApiKeyCreated, type Received, received, trackedTenants, uniqueName } from "./helpers";

const tenant = trackedTenants();

afterEach(() => {
  vi.useRealTimers();
});

const signatures = (r: Received) => r.headers["webhook-signature"]!.split(" ");

async function bothAccept(secret: string, r: Received) {
  expect((new Webhook(secret).verify(r.body, r.headers) as any).type).toBe("api_key.created");
  expect((await verifyWebhook(secret, r.headers, r.body)).type).toBe("api_key.created");
}

async function bothRefuse(secret: string, r: Received) {
  expect(() => new Webhook(secret).verify(r.body, r.headers)).toThrow(/No matching signature/);
  await expect(verifyWebhook(secret, r.headers, r.body)).rejects.toMatchObject({ code: "ERR_WEBHOOK_SIGNATURE" });
}

async function rotate(t: TestTenant, id: string, body: Record<string, unknown> = {}) {
  const res = await act(`/v1/webhooks/${id}/rotate-secret`, { token: t.apiKey, body });
  const out = await json(res);
  expect(res.status, JSON.stringify(out)).toBe(200);
  return out;
}

describe("POST /v1/webhooks/{id}/rotate-secret (rotateWebhookSecret)", () => {
  it("signs with old and new secrets during the overlap window, then with the new one only", async () => {
    const t = await tenant("wh rotation");
    const ep = await createEndpoint(t, uniqueName("rotate"));
    const oldSecret = ep.secret;

    const rotated = await rotate(t, ep.id, { overlap_s: 120 });
    const newSecret: string = rotated.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.id).toBe(ep.id);
    const endsAt = Date.parse(rotated.secret_rotation_ends_at);
    expect(endsAt - Date.now()).toBeGreaterThan(60_000);
    expect(endsAt - Date.now()).toBeLessThanOrEqual(120_000);

    // During the overlap: two signatures; either secret verifies, with both verifiers.
    await emitApiKeyCreated(t);
    const [during] = await received(ep.name);
    expect(signatures(during!)).toHaveLength(2);
    for (const s of signatures(during!)) expect(s).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    await bothAccept(oldSecret, during!);
    await bothAccept(newSecret, during!);

    // After the window (the worker's clock moved 3 minutes on: the signing time is JS Date):
    // one signature, the new secret only.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3 * 60_000);
    await emitApiKeyCreated(t);
    const after = (await received(ep.name))[1]!;
    expect(Number(after.headers["webhook-timestamp"]) * 1000).toBeGreaterThan(endsAt);
    expect(signatures(after)).toHaveLength(1);
    await bothAccept(newSecret, after);
    await bothRefuse(oldSecret, after);
    const shown = await json(await act(`/v1/webhooks/${ep.id}`, { token: t.apiKey }));
    expect(shown.secret_rotation_ends_at).toBeNull();
  });

  it("with the default overlap (24 h) the old secret still verifies the next delivery", async () => {
    const t = await tenant("wh rotation default");
    const ep = await createEndpoint(t, uniqueName("rotate-default"));
    const rotated = await rotate(t, ep.id);
    const endsIn = Date.parse(rotated.secret_rotation_ends_at) - Date.now();
    expect(endsIn).toBeGreaterThan(86400_000 - 60_000);
    expect(endsIn).toBeLessThanOrEqual(86400_000);
    await emitApiKeyCreated(t);
    const [r] = await received(ep.name);
    expect(signatures(r!)).toHaveLength(2);
    await bothAccept(ep.secret, r!);
    await bothAccept(rotated.secret, r!);
  });

  it("overlap_s 0 retires the old secret at once", async () => {
    const t = await tenant("wh rotation zero");
    const ep = await createEndpoint(t, uniqueName("rotate-zero"));
    const rotated = await rotate(t, ep.id, { overlap_s: 0 });
    expect(rotated.secret_rotation_ends_at).toBeNull();
    await emitApiKeyCreated(t);
    const [r] = await received(ep.name);
    expect(signatures(r!)).toHaveLength(1);
    await bothAccept(rotated.secret, r!);
    await bothRefuse(ep.secret, r!);
  });

  it("a second rotation keeps only the latest two secrets", async () => {
    const t = await tenant("wh rotation twice");
    const ep = await createEndpoint(t, uniqueName("rotate-twice"));
    const second = await rotate(t, ep.id, { overlap_s: 600 });
    const third = await rotate(t, ep.id, { overlap_s: 600 });
    await emitApiKeyCreated(t);
    const [r] = await received(ep.name);
    expect(signatures(r!)).toHaveLength(2);
    await bothAccept(third.secret, r!);
    await bothAccept(second.secret, r!);
    await bothRefuse(ep.secret, r!);
  });

  it("is refused without webhooks:write, for another tenant's endpoint, and with unknown fields", async () => {
    const t = await tenant("wh rotation errors");
    const other = await tenant("wh rotation other");
    const ep = await createEndpoint(t, uniqueName("rotate-err"));
    const readOnly = await insertApiKey(t.tenantId, { permissions: ["webhooks:read"] });
    await expectError(await act(`/v1/webhooks/${ep.id}/rotate-secret`, { token: readOnly.secret, body: {} }), 403, "FORBIDDEN");
    await expectError(await act(`/v1/webhooks/${ep.id}/rotate-secret`, { token: other.apiKey, body: {} }), 404, "NOT_FOUND");
    await expectError(
      await act(`/v1/webhooks/${ep.id}/rotate-secret`, { token: t.apiKey, body: { overlap_s: 60, secret: "whsec_mine" } }),
      422,
      "VALIDATION_FAILED",
    );
    await expectError(await act(`/v1/webhooks/${ep.id}/rotate-secret`, { token: t.apiKey, body: { overlap_s: -1 } }), 422, "VALIDATION_FAILED");
    // None of those changed the secret.
    await emitApiKeyCreated(t);
    const [r] = await received(ep.name);
    expect(signatures(r!)).toHaveLength(1);
    await bothAccept(ep.secret, r!);
  });
});
