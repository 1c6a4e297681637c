// Helpers for the activation and lifecycle suites: everything is set up through the admin API
// (as a seller would) and exercised through the public routes; Postgres is read directly only to
// check what was stored.

import { and, count, eq, isNull, sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, vi } from "vitest";
import { activations, licenses } from "../../src/db/schema";
import { call, json, type TestTenant, withDb } from "../harness";

export interface PolicyInput {
  application_id?: string;
  name?: string;
  max_activations?: number | null;
  binding_mode?: "none" | "hardware" | "domain" | "ip";
  heartbeat_interval_s?: number | null;
  heartbeat_grace_s?: number;
  token_tier?: "basic" | "advanced" | "custom";
  max_deactivations?: number | null;
  deactivation_window_s?: number | null;
}

export interface LicenseInput {
  plan?: string | null;
  features?: string[];
  metadata?: Record<string, unknown>;
  allowed_cidrs?: string[];
  expires_at?: string | null;
}

/** POST /v1/policies; fails the test unless it answers 201. */
export async function createPolicy(t: TestTenant, policy: PolicyInput = {}): Promise<any> {
  const res = await call("/v1/policies", { token: t.apiKey, body: { name: "Test policy", ...policy } });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

/** POST /v1/licenses; the answer carries the key (shown once). */
export async function createLicense(t: TestTenant, policyId: string, license: LicenseInput = {}): Promise<any> {
  const res = await call("/v1/licenses", { token: t.apiKey, body: { policy_id: policyId, ...license } });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

export interface AdminLicense {
  id: string;
  key: string;
  policyId: string;
  body: any;
}

/** A fresh policy and a license under it, both through the admin API. */
export async function newLicense(t: TestTenant, policy: PolicyInput = {}, license: LicenseInput = {}): Promise<AdminLicense> {
  const p = await createPolicy(t, policy);
  const l = await createLicense(t, p.id, license);
  return { id: l.id, key: l.key, policyId: p.id, body: l };
}

type Extra = Record<string, unknown>;

export const activate = (licenseKey: string, fingerprint: string, extra: Extra = {}, headers?: Record<string, string>) =>
  call("/v1/licenses/activate", { body: { license_key: licenseKey, fingerprint, ...extra }, headers });

export const deactivate = (licenseKey: string, fingerprint: string) => call("/v1/licenses/deactivate", { body: { license_key: licenseKey, fingerprint } });

export const heartbeat = (licenseKey: string, fingerprint: string) => call("/v1/licenses/heartbeat", { body: { license_key: licenseKey, fingerprint } });

export async function validate(body: Extra, headers?: Record<string, string>): Promise<any> {
  const res = await call("/v1/licenses/validate", { body, headers });
  expect(res.status).toBe(200);
  return json(res);
}

export async function verify(body: Extra, headers?: Record<string, string>): Promise<any> {
  const res = await call("/v1/licenses/verify", { body, headers });
  expect(res.status).toBe(200);
  return json(res);
}

export async function validateHardware(licenseKey: string, hwuid: string): Promise<any> {
  const res = await call("/v1/licenses/validate-hardware", { body: { license_key: licenseKey, hwuid } });
  expect(res.status).toBe(200);
  return json(res);
}

/** Status and parsed body of a response. */
export async function answer(res: Response): Promise<{ status: number; body: any }> {
  return { status: res.status, body: await json(res) };
}

export interface SeatState {
  /** licenses.activation_count */
  stored: number;
  /** live rows (deactivated_at IS NULL) in activations */
  live: number;
  /** every row of the license in activations, released ones included */
  total: number;
}

/** Seat count and activation rows of a license, read in one statement (one snapshot). */
export async function seatState(licenseId: string): Promise<SeatState> {
  return withDb(async (db) => {
    const [row] = await db
      .select({
        stored: licenses.activationCount,
        live: sql<number>`(select count(*)::int from ${activations} a where a.license_id = "licenses"."id" and a.deactivated_at is null)`,
        total: sql<number>`(select count(*)::int from ${activations} a where a.license_id = "licenses"."id")`,
      })
      .from(licenses)
      .where(eq(licenses.id, licenseId));
    if (!row) throw new Error(`no license ${licenseId}`);
    return { stored: row.stored, live: Number(row.live), total: Number(row.total) };
  });
}

/** Every activation row of a license (released ones included). */
export async function activationRows(licenseId: string) {
  return withDb((db) => db.select().from(activations).where(eq(activations.licenseId, licenseId)));
}

/** Live activation rows of a license with this fingerprint. */
export async function liveRowsFor(licenseId: string, fingerprint: string): Promise<number> {
  return withDb(async (db) => {
    const [row] = await db
      .select({ n: count() })
      .from(activations)
      .where(and(eq(activations.licenseId, licenseId), eq(activations.fingerprint, fingerprint), isNull(activations.deactivatedAt)));
    return row?.n ?? 0;
  });
}

/** The license row as stored. */
export async function licenseRow(licenseId: string) {
  return withDb(async (db) => {
    const [row] = await db.select().from(licenses).where(eq(licenses.id, licenseId));
    return row;
  });
}

/** Counts of each status in a list of responses, e.g. { 201: 5, 409: 45 }. */
export function statusCounts(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

/**
 * Runs each test of the file on a fake clock (Date only) that starts at a whole second an hour from
 * now: far enough to be clearly the fake clock, near enough that the tenant's API key is valid.
 * The worker shares the isolate, so its `new Date()` follows. Returns the clock's controls.
 */
export function fakeClock() {
  let t0 = 0;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    t0 = Math.ceil(Date.now() / 1000) * 1000 + 3600_000;
    vi.setSystemTime(t0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return {
    /** The clock's start, in ms. */
    start: () => t0,
    /** Puts the clock `s` seconds after the start (fractions allowed). */
    at: (s: number) => vi.setSystemTime(t0 + s * 1000),
    iso: (s: number) => new Date(t0 + s * 1000).toISOString(),
  };
}
