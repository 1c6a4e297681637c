// Shared test harness: call the worker like a client would, and seed tenants and credentials
// through the same Neon driver path the worker uses. Each test file creates its own tenants, so
// files are independent and can run in parallel against one database.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { PERMISSIONS, type Permission } from "../src/contract/permissions";
import { sha256Hex } from "../src/crypto/hash";
import { newApiKey, newId, newLicenseKey, visiblePrefix } from "../src/crypto/random";
import { connectDb, type Database } from "../src/db/client";
import { activations, apiKeys, applications, licenses, policies } from "../src/db/schema";
import type { ErrorBody, ErrorCode } from "../src/errors";
import worker from "../src/index";

export const BASE = "https://license.test";

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** Raw body, sent as is (for malformed-JSON tests). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** The request a client would send: bearer token, JSON body, method defaulting by body. */
export function buildRequest(path: string, options: CallOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const method = options.method ?? (body !== undefined ? "POST" : "GET");
  return new Request(`${BASE}${path}`, { method, headers, body });
}

/** Calls the worker through its real fetch handler inside workerd. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  return exports.default.fetch(buildRequest(path, options));
}

export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Runs `fn` with a database handle of its own, closed afterwards. */
export async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const { db, pool } = connectDb(env);
  try {
    return await fn(db);
  } finally {
    await pool.end();
  }
}

export interface TestTenant {
  tenantId: string;
  /** The bootstrap key: every permission. */
  apiKey: string;
  apiKeyId: string;
}

/** Creates a tenant through the operator endpoint, as a deployment would. */
export async function createTenant(name = "Test tenant", planTier = "pro"): Promise<TestTenant> {
  const res = await call("/v1/tenants", {
    token: env.OPERATOR_TOKEN,
    body: { name, plan_tier: planTier },
  });
  if (res.status !== 201) throw new Error(`tenant bootstrap failed: ${res.status} ${await res.text()}`);
  const body = await json(res);
  return { tenantId: body.tenant.id, apiKey: body.api_key.key, apiKeyId: body.api_key.id };
}

/** Inserts an API key directly, for states the API cannot produce on demand (expired, revoked). */
export async function insertApiKey(
  tenantId: string,
  options: { permissions?: readonly Permission[]; expiresAt?: Date; revokedAt?: Date } = {},
): Promise<{ id: string; secret: string }> {
  const secret = newApiKey();
  const id = newId("key");
  const keyHash = await sha256Hex(secret);
  await withDb((db) =>
    db
      .insert(apiKeys)
      .values({
        id,
        tenantId,
        name: "test key",
        keyHash,
        keyPrefix: visiblePrefix(secret),
        permissions: [...(options.permissions ?? PERMISSIONS)],
        expiresAt: options.expiresAt,
        revokedAt: options.revokedAt,
      })
      .then(() => undefined),
  );
  return { id, secret };
}

/**
 * Calls the worker's fetch handler (its fast paths included) with some bindings replaced (a debug log level, an unreachable database,
 * no operator token), then waits for its deferred work, so logs and writes after the response
 * are complete when it returns.
 */
export async function callWithEnv(overrides: Partial<Env>, path: string, options: CallOptions = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(buildRequest(path, options) as Request<unknown, IncomingRequestCfProperties>, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** An address where nothing listens: the database is unreachable. */
export const UNREACHABLE_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:1/nope";

/** Stack frames, source paths and SQL: what an error response must never carry. */
const LEAKS = [/\bat \S+ \(/, /\n\s+at /, /\.(ts|js):\d+/, /node_modules/, /\b(select|insert into|delete from)\b|\bupdate \S+ set\b/i];

/**
 * Asserts the error envelope: status, code, a message, the request id in the body equal to the
 * `X-Request-Id` header, and nothing internal (stack frames, SQL). Returns the `error` object.
 */
export async function expectError(res: Response, status: number, code: ErrorCode): Promise<ErrorBody["error"]> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  for (const leak of LEAKS) expect(text).not.toMatch(leak);
  const { error } = JSON.parse(text) as ErrorBody;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/\S/);
  expect(error.request_id).toMatch(/\S/);
  expect(res.headers.get("X-Request-Id")).toBe(error.request_id);
  return error;
}

/**
 * An error body with its request id taken out: request ids are made fresh for every request, so
 * two failures are alike when everything else in their bodies is.
 */
export function withoutRequestId(text: string): string {
  const body = JSON.parse(text) as ErrorBody;
  return JSON.stringify({ ...body, error: { ...body.error, request_id: "" } });
}

export interface SeedLicenseOptions {
  /** An application for the license (its id becomes the token `aud`); default: a new one. `null` = none. */
  applicationId?: string | null;
  tokenTier?: "basic" | "advanced" | "custom";
  bindingMode?: "none" | "hardware" | "domain" | "ip";
  maxActivations?: number | null;
  heartbeatIntervalS?: number | null;
  heartbeatGraceS?: number;
  bindOnVerify?: boolean;
  degradedGraceS?: number;
  status?: "active" | "suspended" | "revoked";
  expiresAt?: Date | null;
  plan?: string | null;
  features?: string[];
  proofOfPossession?: "none" | "optional" | "required";
  leaseMode?: "none" | "per_license" | "per_user";
}

export interface SeededLicense {
  licenseId: string;
  licenseKey: string;
  applicationId: string | null;
  policyId: string;
}

/** Seeds an application (unless given), a policy and a license for `tenantId`. */
export async function seedLicense(tenantId: string, options: SeedLicenseOptions = {}): Promise<SeededLicense> {
  const licenseKey = newLicenseKey();
  const keyHash = await sha256Hex(licenseKey);
  const policyId = newId("pol");
  const licenseId = newId("lic");
  return withDb(async (db) => {
    const applicationId = options.applicationId === undefined ? newId("app") : options.applicationId;
    if (options.applicationId === undefined) {
      await db.insert(applications).values({ id: applicationId!, tenantId, name: "Test app" });
    }
    await db.insert(policies).values({
      id: policyId,
      tenantId,
      applicationId,
      name: "Test policy",
      tokenTier: options.tokenTier ?? "basic",
      bindingMode: options.bindingMode ?? "none",
      maxActivations: options.maxActivations === undefined ? 3 : options.maxActivations,
      heartbeatIntervalS: options.heartbeatIntervalS ?? null,
      heartbeatGraceS: options.heartbeatGraceS ?? 0,
      bindOnVerify: options.bindOnVerify ?? false,
      degradedGraceS: options.degradedGraceS ?? 3600,
      proofOfPossession: options.proofOfPossession ?? "none",
      leaseMode: options.leaseMode ?? "none",
    });
    await db.insert(licenses).values({
      id: licenseId,
      tenantId,
      applicationId,
      policyId,
      keyHash,
      keyPrefix: visiblePrefix(licenseKey),
      status: options.status ?? "active",
      expiresAt: options.expiresAt === undefined ? new Date(Date.now() + 365 * 86400_000) : options.expiresAt,
      plan: options.plan === undefined ? "pro" : options.plan,
      features: options.features ?? ["export", "sync"],
    });
    return { licenseId, licenseKey, applicationId, policyId };
  });
}

/** Seeds a device activation directly (the activate endpoint is not needed to test validation). */
export async function seedActivation(
  tenantId: string,
  licenseId: string,
  fingerprint: string,
  options: { lastHeartbeatAt?: Date; deactivatedAt?: Date } = {},
): Promise<string> {
  const id = newId("act");
  await withDb((db) =>
    db
      .insert(activations)
      .values({
        id,
        tenantId,
        licenseId,
        fingerprint,
        lastHeartbeatAt: options.lastHeartbeatAt ?? new Date(),
        deactivatedAt: options.deactivatedAt,
      })
      .then(() => undefined),
  );
  return id;
}

/** Sets a license's status (and optionally expiry) directly. */
export async function setLicenseState(licenseId: string, state: { status?: "active" | "suspended" | "revoked"; expiresAt?: Date | null }) {
  await withDb((db) =>
    db
      .update(licenses)
      .set(state)
      .where(eq(licenses.id, licenseId))
      .then(() => undefined),
  );
}

/** POST /v1/licenses/verify and return the body (throws unless the license is valid). */
export async function issueToken(licenseKey: string, extra: Record<string, unknown> = {}): Promise<{ token: string; body: any }> {
  const res = await call("/v1/licenses/verify", { body: { license_key: licenseKey, ...extra } });
  const body = await json(res);
  if (!body.valid) throw new Error(`expected a valid license: ${JSON.stringify(body)}`);
  return { token: body.license_token, body };
}

/** POST /v1/licenses/introspect with a JSON body. */
export async function introspect(apiKey: string, token: string): Promise<{ status: number; body: any }> {
  const res = await call("/v1/licenses/introspect", { token: apiKey, body: { token } });
  return { status: res.status, body: await json(res) };
}
