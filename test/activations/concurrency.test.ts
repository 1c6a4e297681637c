// Seat limits under real concurrency: many activations of one license race through the worker
// into Postgres at once, and the limit must hold exactly.

import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { licenses } from "../../src/db/schema";
import { call, createTenant, expectError, json, type TestTenant, withDb } from "../harness";
import { activate, deactivate, newLicense, type SeatState, seatState, statusCounts } from "./helpers";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("activations concurrency");
});

describe("50 concurrent activations against a limit of 5", () => {
  it.each([1, 2, 3, 4, 5])("round %i: exactly 5 seats are granted, 45 refused with TOO_MANY_ACTIVATIONS", async (round) => {
    const license = await newLicense(tenant, { max_activations: 5 });
    const fingerprints = Array.from({ length: 50 }, (_, i) => `round-${round}-device-${i}`);

    const responses = await Promise.all(fingerprints.map((fp) => activate(license.key, fp)));

    expect(statusCounts(responses.map((r) => r.status))).toEqual({ 201: 5, 409: 45 });
    const granted: string[] = [];
    for (const res of responses) {
      if (res.status === 201) {
        const body = await json(res);
        expect(body.created).toBe(true);
        expect(body.activation.license_id).toBe(license.id);
        granted.push(body.activation.id);
      } else {
        const error = await expectError(res, 409, "TOO_MANY_ACTIVATIONS");
        expect(error.details).toEqual({ max_activations: 5, activations: 5 });
      }
    }
    expect(new Set(granted).size).toBe(5);

    expect(await seatState(license.id)).toEqual({ stored: 5, live: 5, total: 5 });
    const admin = await json(await call(`/v1/licenses/${license.id}`, { token: tenant.apiKey }));
    expect(admin.activation_count).toBe(5);
    const list = await json(await call(`/v1/licenses/${license.id}/activations`, { token: tenant.apiKey }));
    expect(list.data.map((a: any) => a.id).sort()).toEqual([...granted].sort());
  });
});

describe("20 concurrent activations of one fingerprint", () => {
  it("take one seat: one 201, nineteen 200 with the same activation id", async () => {
    const license = await newLicense(tenant, { max_activations: 5 });

    const responses = await Promise.all(Array.from({ length: 20 }, () => activate(license.key, "the-same-device")));

    expect(statusCounts(responses.map((r) => r.status))).toEqual({ 201: 1, 200: 19 });
    const bodies = await Promise.all(responses.map((r) => json(r)));
    const ids = new Set(bodies.map((b) => b.activation.id));
    expect(ids.size).toBe(1);
    expect(bodies.filter((b) => b.created === true)).toHaveLength(1);
    expect(await seatState(license.id)).toEqual({ stored: 1, live: 1, total: 1 });
  });

  it("still take one seat when the license has exactly one seat left", async () => {
    const license = await newLicense(tenant, { max_activations: 2 });
    expect((await activate(license.key, "first")).status).toBe(201);

    const responses = await Promise.all(Array.from({ length: 20 }, () => activate(license.key, "second")));

    expect(statusCounts(responses.map((r) => r.status))).toEqual({ 201: 1, 200: 19 });
    expect(await seatState(license.id)).toEqual({ stored: 2, live: 2, total: 2 });
  });
});

/** Committed seat count and live rows, from one snapshot, while requests are in flight. */
async function sample(licenseId: string): Promise<SeatState> {
  return withDb(async (db) => {
    const [row] = await db
      .select({
        stored: licenses.activationCount,
        live: sql<number>`(select count(*)::int from activations a where a.license_id = "licenses"."id" and a.deactivated_at is null)`,
        total: sql<number>`0`,
      })
      .from(licenses)
      .where(eq(licenses.id, licenseId));
    return { stored: row!.stored, live: Number(row!.live), total: 0 };
  });
}

describe("activate and deactivate racing at the limit", () => {
  it("never exceed the limit nor drop below zero, and the count always equals the live rows", async () => {
    const MAX = 3;
    const license = await newLicense(tenant, { max_activations: MAX });
    let active: string[] = [];
    let next = 0;
    const fresh = () => `race-device-${next++}`;
    const topUp = async () => {
      while (active.length < MAX) {
        const fp = fresh();
        const res = await activate(license.key, fp);
        expect(res.status, await res.clone().text()).toBe(201);
        active.push(fp);
      }
    };
    await topUp();

    const samples: SeatState[] = [];
    for (let round = 0; round < 8; round++) {
      expect(await seatState(license.id)).toMatchObject({ stored: MAX, live: MAX });
      const leaving = active;
      // More newcomers than seats: some must be refused, depending on how the race falls.
      const arriving = Array.from({ length: MAX + 2 }, fresh);
      const inFlight = [
        ...leaving.map((fp) => deactivate(license.key, fp).then((res) => ({ kind: "deactivate" as const, fp, res }))),
        ...arriving.map((fp) => activate(license.key, fp).then((res) => ({ kind: "activate" as const, fp, res }))),
      ];
      const watcher = (async () => {
        for (let i = 0; i < 4; i++) samples.push(await sample(license.id));
      })();
      const results = await Promise.all(inFlight);
      await watcher;

      const admitted: string[] = [];
      for (const { kind, fp, res } of results) {
        if (kind === "deactivate") {
          expect(res.status, await res.clone().text()).toBe(200);
          expect((await json(res)).activation.deactivated_at).not.toBeNull();
        } else if (res.status === 201) {
          admitted.push(fp);
        } else {
          await expectError(res, 409, "TOO_MANY_ACTIVATIONS");
        }
      }
      // Whatever the lock order, at most MAX newcomers win, and the seats they hold are the only ones left.
      expect(admitted.length).toBeLessThanOrEqual(MAX);
      const state = await seatState(license.id);
      expect(state.stored).toBe(state.live);
      expect(state.live).toBe(admitted.length);
      active = admitted;
      await topUp();
    }

    for (const s of samples) {
      expect(s.stored).toBeGreaterThanOrEqual(0);
      expect(s.stored).toBeLessThanOrEqual(MAX);
      expect(s.live).toBeLessThanOrEqual(MAX);
      expect(s.stored).toBe(s.live);
    }
    const end = await seatState(license.id);
    expect(end.stored).toBe(end.live);
    expect(end.live).toBe(MAX);
  });
});
