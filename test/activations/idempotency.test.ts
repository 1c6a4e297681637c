// `Idempotency-Key` on POST /v1/licenses/activate: a retried request replays the first answer
// instead of taking a second seat, even when the retries race each other.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, expectError, json, type TestTenant } from "../harness";
import { activate, newLicense, seatState, statusCounts } from "./helpers";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("activations idempotency");
});

const key = (label: string) => ({ "Idempotency-Key": `${label}-${crypto.randomUUID()}` });

describe("Idempotency-Key on activate", () => {
  it("10 concurrent retries with the same key and body take one seat and get identical answers", async () => {
    const license = await newLicense(tenant, { max_activations: 5 });
    const headers = key("concurrent");
    const body = { name: "Laptop", metadata: { os: "linux" } };

    const responses = await Promise.all(Array.from({ length: 10 }, () => activate(license.key, "device-1", body, headers)));

    expect(statusCounts(responses.map((r) => r.status))).toEqual({ 201: 10 });
    const bodies = await Promise.all(responses.map((r) => json(r)));
    for (const b of bodies) expect(b).toEqual(bodies[0]);
    expect(bodies[0]).toMatchObject({ created: true, activation: { fingerprint: "device-1", name: "Laptop", metadata: { os: "linux" } } });
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });

    // A later retry replays the same answer too.
    const late = await activate(license.key, "device-1", body, headers);
    expect(late.status).toBe(201);
    expect(await json(late)).toEqual(bodies[0]);
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });
  });

  it("refuses the same key with a different body (422 IDEMPOTENCY_KEY_REUSED) and writes nothing", async () => {
    const license = await newLicense(tenant, { max_activations: 5 });
    const headers = key("reuse");
    const first = await activate(license.key, "device-a", {}, headers);
    expect(first.status).toBe(201);
    const before = await seatState(license.id);

    const otherFingerprint = await activate(license.key, "device-b", {}, headers);
    await expectError(otherFingerprint, 422, "IDEMPOTENCY_KEY_REUSED");
    const otherName = await activate(license.key, "device-a", { name: "renamed" }, headers);
    await expectError(otherName, 422, "IDEMPOTENCY_KEY_REUSED");
    const otherMetadata = await activate(license.key, "device-a", { metadata: { x: 1 } }, headers);
    await expectError(otherMetadata, 422, "IDEMPOTENCY_KEY_REUSED");

    expect(await seatState(license.id)).toEqual(before);
    expect(before).toEqual({ stored: 1, live: 1, total: 1 });
  });

  it("concurrent requests with one key but different bodies: one wins, the others are refused", async () => {
    const license = await newLicense(tenant, { max_activations: 10 });
    const headers = key("conflict");
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => activate(license.key, `device-${i}`, {}, headers)));

    expect(statusCounts(responses.map((r) => r.status))).toEqual({ 201: 1, 422: 5 });
    for (const res of responses) if (res.status === 422) await expectError(res, 422, "IDEMPOTENCY_KEY_REUSED");
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });
  });

  it("different keys for the same fingerprint are idempotent by fingerprint anyway", async () => {
    const license = await newLicense(tenant, { max_activations: 5 });
    const first = await activate(license.key, "device-1", {}, key("one"));
    expect(first.status).toBe(201);
    const firstBody = await json(first);

    const second = await activate(license.key, "device-1", {}, key("two"));
    expect(second.status).toBe(200);
    const secondBody = await json(second);
    expect(secondBody.created).toBe(false);
    expect(secondBody.activation.id).toBe(firstBody.activation.id);

    const concurrent = await Promise.all(Array.from({ length: 8 }, (_, i) => activate(license.key, "device-1", {}, key(`many-${i}`))));
    expect(statusCounts(concurrent.map((r) => r.status))).toEqual({ 200: 8 });
    for (const res of concurrent) expect((await json(res)).activation.id).toBe(firstBody.activation.id);
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });
  });

  it("scopes keys to the license: the same key on another license is a new request", async () => {
    const a = await newLicense(tenant, { max_activations: 5 });
    const b = await newLicense(tenant, { max_activations: 5 });
    const headers = key("shared");
    const onA = await activate(a.key, "device-1", {}, headers);
    const onB = await activate(b.key, "device-1", {}, headers);
    expect(onA.status).toBe(201);
    expect(onB.status).toBe(201);
    const [bodyA, bodyB] = [await json(onA), await json(onB)];
    expect(bodyA.activation.license_id).toBe(a.id);
    expect(bodyB.activation.license_id).toBe(b.id);
    expect(await seatState(a.id)).toMatchObject({ stored: 1, live: 1 });
    expect(await seatState(b.id)).toMatchObject({ stored: 1, live: 1 });
  });

  it("without a key, a retry of the same fingerprint is still one seat (200, created: false)", async () => {
    const license = await newLicense(tenant, { max_activations: 5 });
    const first = await json(await activate(license.key, "device-1"));
    const retry = await activate(license.key, "device-1");
    expect(retry.status).toBe(200);
    const body = await json(retry);
    expect(body).toMatchObject({ created: false, activation: { id: first.activation.id } });
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });
  });

  it("refuses an over-long Idempotency-Key (422) without writing", async () => {
    const license = await newLicense(tenant, { max_activations: 5 });
    const res = await activate(license.key, "device-1", {}, { "Idempotency-Key": "k".repeat(256) });
    await expectError(res, 422, "VALIDATION_FAILED");
    expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 0 });
  });

  it("answers 409 to a replay whose activation was released since, instead of a stale created: true", async () => {
    const license = await newLicense(tenant, { max_activations: 5 });
    const headers = key("released");
    const first = await activate(license.key, "device-1", {}, headers);
    expect(first.status).toBe(201);
    const deactivated = await call("/v1/licenses/deactivate", { body: { license_key: license.key, fingerprint: "device-1" } });
    expect(deactivated.status).toBe(200);
    const replay = await activate(license.key, "device-1", {}, headers);
    const error = await expectError(replay, 409, "CONFLICT");
    expect(error.message).toContain("new Idempotency-Key");
    expect(await seatState(license.id)).toEqual({ stored: 0, live: 0, total: 1 });
    // A new key activates the device again.
    expect((await activate(license.key, "device-1", {}, key("again"))).status).toBe(201);
  });
});
