// Shared test harness: call the worker like a client would, and seed tenants and credentials
// through the same Neon driver path the worker uses. Each test file creates its own tenants, so
// files are independent and can run in parallel against one database.
import { env, exports } from "cloudflare:workers";
import { connectDb, type Database } from "../src/db/client";
import { apiKeys } from "../src/db/schema";
import { newApiKey, newId, visiblePrefix } from "../src/crypto/random";
import { sha256Hex } from "../src/crypto/hash";
import { PERMISSIONS, type Permission } from "../src/services/permissions";

export const BASE = "https://license.test";

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** Raw body, sent as is (for malformed-JSON tests). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** Calls the worker through its real fetch handler inside workerd. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const method = options.method ?? (body !== undefined ? "POST" : "GET");
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
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
    db.insert(apiKeys).values({
      id,
      tenantId,
      name: "test key",
      keyHash,
      keyPrefix: visiblePrefix(secret),
      permissions: [...(options.permissions ?? PERMISSIONS)],
      expiresAt: options.expiresAt,
      revokedAt: options.revokedAt,
    }).then(() => undefined),
  );
  return { id, secret };
}
