// Floating licenses: concurrent seats as leases. Exact under a race (50 requests, 5 seats); a
// release lets exactly one waiting request in; a crashed client's seat is free at its TTL with no
// sweep (the clock moved as the heartbeat tests move it: faking Date here moves the worker's);
// heartbeats after expiry are refused; per-user seats; idempotent retries; borrowing within
// max_borrow_s answers a file that verifies offline; admin list and release; events.

import { env } from "cloudflare:workers";
import { verifyLicenseFile } from "@edge-license/sdk";
import { and, eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { leases, webhookEvents } from "../../src/db/schema";
import { runScheduledJobs } from "../../src/scheduled";
import { fakeClock } from "../activations/helpers";
import { call, createTenant, expectError, json, type TestTenant, withDb } from "../harness";
import { pinnedJwks, type Sold, sell } from "../license-files/helpers";

const TTL = 600;
let tenant: TestTenant;
const { at, iso } = fakeClock();

beforeAll(async () => {
  tenant = await createTenant("Design studio seller");
});

const floating = (extra: Record<string, unknown> = {}) =>
  sell(tenant, { binding_mode: "none", lease_mode: "per_license", max_leases: 5, lease_ttl_s: TTL, ...extra });
const lease = (licenseKey: string, instanceId: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call("/v1/licenses/leases", { body: { license_key: licenseKey, instance_id: instanceId, ...extra }, headers });
const heartbeat = (licenseKey: string, id: string) => call(`/v1/licenses/leases/${id}/heartbeat`, { body: { license_key: licenseKey } });
const release = (licenseKey: string, id: string) => call(`/v1/licenses/leases/${id}`, { method: "DELETE", body: { license_key: licenseKey } });
const liveLeases = async (licenseId: string) => (await json(await call(`/v1/licenses/${licenseId}/leases?limit=100`, { token: tenant.apiKey }))).data;

describe("POST /v1/licenses/leases (acquireLease)", () => {
  it("grants a lease ending at now + TTL, with a license token whose exp and lease claim are the lease's", async () => {
    const sold = await floating();
    const res = await lease(sold.licenseKey, "workstation-1");
    const body = await json(res);
    expect(res.status).toBe(201);
    expect({ instance: body.lease.instance_id, user: body.lease.user, expires: body.lease.expires_at, id: body.lease.id }).toEqual({
      instance: "workstation-1",
      user: null,
      expires: iso(TTL),
      id: expect.stringMatching(/^lse_/),
    });
    const claims = decodeJwt(body.license_token);
    expect({ exp: claims.exp, lease: claims.lease, sub: claims.sub, aud: claims.aud }).toEqual({
      exp: Date.parse(iso(TTL)) / 1000,
      lease: { id: body.lease.id, exp: Date.parse(iso(TTL)) / 1000 },
      sub: sold.licenseId,
      aud: sold.applicationId,
    });
    expect(body.license_token_expires_at).toBe(iso(TTL));
  });

  it("gives exactly max_leases of 50 concurrent requests a seat; the other 45 get 409 with Retry-After and the count in use", async () => {
    const sold = await floating();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => lease(sold.licenseKey, `instance-${i}`)));
    const granted = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 409);
    expect([granted.length, refused.length]).toEqual([5, 45]);
    const sample = await json(refused[0]!);
    expect({ code: sample.error.code, details: sample.error.details, retryAfter: refused[0]!.headers.get("Retry-After") }).toEqual({
      code: "NO_LEASES_AVAILABLE",
      details: { max_leases: 5, in_use: 5, retry_after_s: TTL },
      retryAfter: String(TTL),
    });
    expect(refused.every((r) => r.headers.get("Retry-After") === String(TTL))).toBe(true);
    expect(await liveLeases(sold.licenseId)).toHaveLength(5);
  });

  it("lets exactly one waiting request in when a lease is released", async () => {
    const sold = await floating({ max_leases: 2 });
    const first = await json(await lease(sold.licenseKey, "a"));
    expect((await lease(sold.licenseKey, "b")).status).toBe(201);
    await release(sold.licenseKey, first.lease.id);
    const waiting = await Promise.all(["c", "d", "e", "f"].map((i) => lease(sold.licenseKey, i)));
    expect(waiting.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await liveLeases(sold.licenseId)).toHaveLength(2);
  });

  it("frees a crashed client's seat exactly at its TTL, with no sweep", async () => {
    const sold = await floating({ max_leases: 1 });
    expect((await lease(sold.licenseKey, "crashed")).status).toBe(201);
    at(TTL - 1);
    const full = await lease(sold.licenseKey, "next");
    expect({ status: full.status, retryAfter: full.headers.get("Retry-After") }).toEqual({ status: 409, retryAfter: "1" });
    at(TTL);
    expect((await lease(sold.licenseKey, "next")).status).toBe(201);
  });

  it("counts one seat per user however many instances under per_user, and requires the user", async () => {
    const sold = await floating({ lease_mode: "per_user", max_leases: 2 });
    for (const instance of ["laptop", "desktop", "render-node"]) expect((await lease(sold.licenseKey, instance, { user: "ada" })).status).toBe(201);
    expect((await lease(sold.licenseKey, "tablet", { user: "grace" })).status).toBe(201);
    const third = await lease(sold.licenseKey, "phone", { user: "linus" });
    expect((await expectError(third, 409, "NO_LEASES_AVAILABLE")).details).toEqual({ max_leases: 2, in_use: 2, retry_after_s: TTL });
    expect((await lease(sold.licenseKey, "ipad", { user: "ada" })).status).toBe(201);
    await expectError(await lease(sold.licenseKey, "anon"), 422, "VALIDATION_FAILED");
  });

  it("takes no second seat for an idempotent retry, nor for the same instance asking again", async () => {
    const sold = await floating({ max_leases: 2 });
    const headers = { "Idempotency-Key": "retry-1" };
    const [a, b] = await Promise.all([lease(sold.licenseKey, "one", {}, headers), lease(sold.licenseKey, "one", {}, headers)]);
    const [ba, bb] = [await json(a), await json(b)];
    expect([a.status, b.status, ba.lease.id === bb.lease.id]).toEqual([201, 201, true]);
    at(100);
    const again = await lease(sold.licenseKey, "one");
    const body = await json(again);
    expect({ status: again.status, id: body.lease.id, expires: body.lease.expires_at }).toEqual({ status: 200, id: ba.lease.id, expires: iso(100 + TTL) });
    await expectError(await lease(sold.licenseKey, "two", {}, headers), 422, "IDEMPOTENCY_KEY_REUSED");
    expect(await liveLeases(sold.licenseId)).toHaveLength(1);
  });

  it("refuses a license whose policy has no floating seats, and an unknown key", async () => {
    const plain = await sell(tenant, { binding_mode: "none" });
    await expectError(await lease(plain.licenseKey, "x"), 409, "LEASES_NOT_ENABLED");
    await expectError(await lease("lk_unknown", "x"), 404, "LICENSE_NOT_FOUND");
  });
});

describe("POST /v1/licenses/leases/{id}/heartbeat (heartbeatLease) and DELETE /v1/licenses/leases/{id} (releaseLease)", () => {
  it("extends a live lease and rotates its token; after expiry or release it is refused", async () => {
    const sold = await floating();
    const granted = await json(await lease(sold.licenseKey, "w1"));
    at(300);
    const beat = await heartbeat(sold.licenseKey, granted.lease.id);
    const body = await json(beat);
    expect({ status: beat.status, expires: body.lease.expires_at, tokenExp: decodeJwt(body.license_token).exp }).toEqual({
      status: 200,
      expires: iso(300 + TTL),
      tokenExp: Date.parse(iso(300 + TTL)) / 1000,
    });
    at(300 + TTL);
    await expectError(await heartbeat(sold.licenseKey, granted.lease.id), 409, "LEASE_EXPIRED");
    const other = await json(await lease(sold.licenseKey, "w2"));
    expect((await release(sold.licenseKey, other.lease.id)).status).toBe(200);
    await expectError(await heartbeat(sold.licenseKey, other.lease.id), 409, "LEASE_EXPIRED");
    await expectError(await release(sold.licenseKey, other.lease.id), 409, "LEASE_EXPIRED");
  });

  it("races heartbeats against a release and a borrow: the release wins, nothing is extended after it, and no answer is a 5xx", async () => {
    const sold = await floating();
    const granted = await json(await lease(sold.licenseKey, "racer"));
    const answers = await Promise.all([
      ...Array.from({ length: 12 }, () => heartbeat(sold.licenseKey, granted.lease.id)),
      release(sold.licenseKey, granted.lease.id),
      ...Array.from({ length: 12 }, () => heartbeat(sold.licenseKey, granted.lease.id)),
    ]);
    const codes = await Promise.all(answers.map(async (r) => (r.status === 200 ? 200 : `${r.status} ${(await json(r)).error.code}`)));
    expect(codes.every((c) => c === 200 || c === "409 LEASE_EXPIRED")).toBe(true);
    expect(codes[12]).toBe(200); // the release itself
    // Released for good: its row says so, and a heartbeat now is refused.
    const [row] = await withDb((db) => db.select().from(leases).where(eq(leases.id, granted.lease.id)));
    expect(row!.releasedAt).not.toBeNull();
    await expectError(await heartbeat(sold.licenseKey, granted.lease.id), 409, "LEASE_EXPIRED");
  });

  it("refuses another license's key for a lease", async () => {
    const sold = await floating();
    const other = await floating();
    const granted = await json(await lease(sold.licenseKey, "w1"));
    await expectError(await heartbeat(other.licenseKey, granted.lease.id), 404, "LEASE_NOT_FOUND");
    await expectError(await release(other.licenseKey, granted.lease.id), 404, "LEASE_NOT_FOUND");
  });
});

describe("POST /v1/licenses/leases/{id}/borrow (borrowLease)", () => {
  it("turns a lease into the borrowing device's machine file until `until`, within max_borrow_s; the seat stays taken until then", async () => {
    const sold: Sold = await floating({ max_leases: 1, max_borrow_s: 3 * 86_400 });
    const granted = await json(await lease(sold.licenseKey, "laptop"));
    const borrow = (until: string) =>
      call(`/v1/licenses/leases/${granted.lease.id}/borrow`, { body: { license_key: sold.licenseKey, fingerprint: "laptop-fp", until } });
    await expectError(await borrow(iso(3 * 86_400 + 1)), 422, "VALIDATION_FAILED");
    const res = await borrow(iso(2 * 86_400));
    const body = await json(res);
    expect({ status: res.status, borrowed: body.lease.borrowed_until, expires: body.lease.expires_at }).toEqual({
      status: 200,
      borrowed: iso(2 * 86_400),
      expires: iso(2 * 86_400),
    });
    const { claims } = await verifyLicenseFile(body.license_file.license_file, {
      jwks: await pinnedJwks(),
      audience: sold.applicationId,
      fingerprint: "laptop-fp",
    });
    expect({ exp: claims.exp, lease: claims.lease_id }).toEqual({ exp: Date.parse(iso(2 * 86_400)) / 1000, lease: granted.lease.id });
    at(86_400);
    await expectError(await lease(sold.licenseKey, "desktop"), 409, "NO_LEASES_AVAILABLE");
    at(2 * 86_400);
    expect((await lease(sold.licenseKey, "desktop")).status).toBe(201);
    const events = await withDb((db) => db.select().from(webhookEvents).where(eq(webhookEvents.type, "lease.borrowed")));
    expect(events.filter((e) => JSON.parse(e.payload).data.id === granted.lease.id)).toHaveLength(1);
  });
});

describe("GET /v1/licenses/{id}/leases (listLeases), DELETE /v1/licenses/{id}/leases/{lease_id} (releaseLeaseAdmin) and lease events", () => {
  it("lists and releases leases (audited), and announces created, released and expired", async () => {
    const sold = await floating();
    const a = await json(await lease(sold.licenseKey, "a"));
    const b = await json(await lease(sold.licenseKey, "b"));
    expect((await liveLeases(sold.licenseId)).map((l: { id: string }) => l.id).sort()).toEqual([a.lease.id, b.lease.id].sort());
    const res = await call(`/v1/licenses/${sold.licenseId}/leases/${a.lease.id}`, { token: tenant.apiKey, method: "DELETE" });
    expect({ status: res.status, released: (await json(res)).lease.released_at }).toEqual({ status: 200, released: iso(0) });
    const stranger = await createTenant("Another studio");
    await expectError(await call(`/v1/licenses/${sold.licenseId}/leases/${b.lease.id}`, { token: stranger.apiKey, method: "DELETE" }), 404, "NOT_FOUND");
    at(TTL);
    await runScheduledJobs(env);
    const events = await withDb((db) =>
      db
        .select()
        .from(webhookEvents)
        .where(and(eq(webhookEvents.tenantId, tenant.tenantId))),
    );
    const about = (id: string) =>
      events
        .filter((e) => e.type.startsWith("lease.") && JSON.parse(e.payload).data.id === id)
        .map((e) => e.type)
        .sort();
    expect(about(a.lease.id)).toEqual(["lease.created", "lease.released"]);
    expect(about(b.lease.id)).toEqual(["lease.created", "lease.expired"]);
    expect((await json(await call(`/v1/licenses/${sold.licenseId}/leases?include_ended=true`, { token: tenant.apiKey }))).data).toHaveLength(2);
  });
});
