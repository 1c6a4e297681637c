// The hot-path probe: a worker that bundles the service's own modules and runs one piece of its
// request path N times in a single request, so the bench can read that piece's CPU cost from
// workerd's thread times (workerd's clock stands still while JavaScript runs, so it cannot time
// itself). Database results are recorded once through the real driver and replayed afterwards,
// so the service's whole request path runs with no network I/O.
//   GET /record            run validate, verify and introspect once for real, recording results
//   GET /case?name=X&n=N   run case X N times (after /record); "empty" is the baseline
import { Pool } from "@neondatabase/serverless";
import { sha256Hex } from "@service/crypto/hash";
import { getKeyRing } from "@service/crypto/keys";
import { issueLicenseToken } from "@service/crypto/license-token";
import { connectDb, httpRows } from "@service/db/client";
import { findLicenseByKeyHash } from "@service/db/repositories/licenses";
import * as schema from "@service/db/schema";
import service from "@service/index";
import { createLogger } from "@service/logging";
import { ValidateBody } from "@service/routes/requests/public-body";
import { drizzle } from "drizzle-orm/neon-serverless";
import { type FloorContext, json } from "../floors/shared.ts";
import { floorAnswer } from "../floors/verify.ts";

interface ProbeEnv {
  [name: string]: unknown;
  SIGNING_KEYS: string;
  ISSUER: string;
  TOKEN_USE: string;
  DATABASE_URL: string;
  DB_RELAY_URL: string;
  PROBE_LICENSE_KEY: string;
  PROBE_API_KEY: string;
  PROBE_TOKEN: string;
  PROBE_EDDSA_KEYS: string;
}

// ---- record / replay of query results, at the driver's Pool ----
type QueryFn = (this: unknown, config: unknown, values?: unknown) => Promise<unknown>;
const proto = Pool.prototype as unknown as { query: QueryFn };
const realQuery = proto.query;
const recorded = new Map<string, unknown>();
let replay = false;
proto.query = function (this: unknown, config: unknown, values?: unknown) {
  const text = typeof config === "string" ? config : (config as { text: string }).text;
  if (replay) {
    const hit = recorded.get(text);
    if (hit !== undefined) return Promise.resolve(hit);
  }
  return realQuery.call(this, config, values).then((result) => {
    recorded.set(text, result);
    return result;
  });
};

// The hot-path statements go over Neon's HTTP endpoint (fetch to .../sql): record and replay there
// too, keyed by the statement text.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  if (!url.endsWith("/sql")) return realFetch(input, init);
  const text = (JSON.parse(String(init?.body ?? "{}")) as { query?: string }).query ?? "";
  if (replay) {
    const hit = recorded.get(text);
    if (typeof hit === "string") return new Response(hit, { status: 200, headers: { "content-type": "application/json" } });
  }
  const res = await realFetch(input, init);
  const body = await res.text();
  if (res.ok) recorded.set(text, body);
  return new Response(body, { status: res.status, headers: res.headers });
};

const ctx = () => {
  const pending: Promise<unknown>[] = [];
  return { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {}, pending };
};

async function call(env: ProbeEnv, path: string, init: RequestInit = {}): Promise<Response> {
  const c = ctx();
  const res = await (service as { fetch: (r: Request, e: unknown, c: unknown) => Promise<Response> }).fetch(new Request(`${env.ISSUER}${path}`, init), env, c);
  await res.arrayBuffer();
  await Promise.allSettled(c.pending);
  return res;
}

/** A JSON POST with Content-Length, as clients send it (without it, bodyLimit buffers the body). */
const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => {
  const text = JSON.stringify(body);
  return {
    method: "POST",
    headers: { "Content-Type": "application/json", "Content-Length": String(new TextEncoder().encode(text).length), ...headers },
    body: text,
  };
};

let fixedPool: Pool | undefined;
let fixedDb: ReturnType<typeof connectDb>["db"] | undefined;
const realConsoleLog = console.log;

type Case = (env: ProbeEnv) => Promise<unknown> | unknown;

/** The token verify issues for license 1, signed with the current key of `keys.SIGNING_KEYS`. */
const issueBenchToken = async (env: ProbeEnv, keys: { SIGNING_KEYS: string }) =>
  issueLicenseToken(
    await getKeyRing(keys.SIGNING_KEYS),
    {
      licenseId: "lic_bench0000000000001",
      applicationId: "app_bench",
      expiresAt: new Date(Date.now() + 86_400_000),
      plan: "pro",
      features: ["export", "sync"],
      tokenTier: "basic",
      sellerTier: "pro",
      hwBound: false,
    },
    { issuer: env.ISSUER, tokenUse: env.TOKEN_USE, now: new Date() },
  );

const CASES: Record<string, Case> = {
  empty: () => undefined,
  // The whole service request path, replayed database, no network.
  app_healthz: (env) => call(env, "/healthz"),
  app_jwks: (env) => call(env, "/v1/licenses/jwks"),
  app_validate: (env) => call(env, "/v1/licenses/validate", post({ license_key: env.PROBE_LICENSE_KEY })),
  app_verify: (env) => call(env, "/v1/licenses/verify", post({ license_key: env.PROBE_LICENSE_KEY })),
  app_introspect: (env) => call(env, "/v1/licenses/introspect", post({ token: env.PROBE_TOKEN }, { Authorization: `Bearer ${env.PROBE_API_KEY}` })),
  app_validate_malformed_key: (env) => call(env, "/v1/licenses/validate", post({ license_key: "lk_not-a-key" })),
  // The floors' logic on the same replayed query: parse, hash, Pool, query, end (, sign).
  floor_lookup: (env) => floorLogic(env, false),
  floor_verify: (env) => floorLogic(env, true),
  // Pieces of the request path.
  connect_db: (env) => connectDb(env),
  new_pool: (env) => new Pool({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5_000, max: 4 }),
  drizzle_with_schema: () => drizzle({ client: fixedPool!, schema }),
  drizzle_without_schema: () => drizzle({ client: fixedPool! }),
  license_lookup_query: (env) => findLicenseByKeyHash(httpRows(env), env.PROBE_LICENSE_KEY),
  // What validate/verify do per request for the data: hash the key, the lookup over HTTP.
  db_path_per_request: async (env) => {
    await findLicenseByKeyHash(httpRows(env), await sha256Hex(env.PROBE_LICENSE_KEY));
  },
  sha256_hex: (env) => sha256Hex(env.PROBE_LICENSE_KEY),
  key_ring_cached: (env) => getKeyRing(env.SIGNING_KEYS),
  issue_token: (env) => issueBenchToken(env, env),
  validate_body_zod: (env) => ValidateBody.parse({ license_key: env.PROBE_LICENSE_KEY }),
  log_line_warn: () =>
    createLogger({ request_id: "req_probe" }, "warn").info("request", { method: "POST", path: "/v1/licenses/verify", status: 200, duration_ms: 3 }),
  log_line_info: () =>
    createLogger({ request_id: "req_probe" }, "info").info("request", { method: "POST", path: "/v1/licenses/verify", status: 200, duration_ms: 3 }),
  issue_token_eddsa: (env) => issueBenchToken(env, { SIGNING_KEYS: env.PROBE_EDDSA_KEYS }),
  etag_sha1_jwks: async (env) => {
    // What hono's etag() does on every JWKS response: clone the body, read it, SHA-1 it.
    const res = new Response((await getKeyRing(env.SIGNING_KEYS)).jwksBody);
    const buf = await res.clone().arrayBuffer();
    const digest = await crypto.subtle.digest("SHA-1", buf);
    await res.arrayBuffer();
    return digest;
  },
};

let lookupSql: string | undefined;

async function floorLogic(env: ProbeEnv, sign: boolean): Promise<string> {
  const request = new Request(`${env.ISSUER}/verify`, post({ license_key: env.PROBE_LICENSE_KEY }));
  const body = (await request.json()) as { license_key: string };
  // Replayed: the recorded result of the service's own lookup, through the floor's own code.
  return (await floorAnswer(env, body.license_key, sign)).text();
}

export default {
  async fetch(request: Request, env: ProbeEnv, _ctx: FloorContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/record") {
      replay = false;
      const auth = { Authorization: `Bearer ${env.PROBE_API_KEY}` };
      const statuses = [
        (await call(env, "/v1/licenses/validate", post({ license_key: env.PROBE_LICENSE_KEY }))).status,
        (await call(env, "/v1/licenses/verify", post({ license_key: env.PROBE_LICENSE_KEY }))).status,
        (await call(env, "/v1/licenses/introspect", post({ token: env.PROBE_TOKEN }, auth))).status,
      ];
      await findLicenseByKeyHash(httpRows(env), await sha256Hex(env.PROBE_LICENSE_KEY));
      lookupSql = [...recorded.keys()].find((t) => /key_hash"? = \$1/.test(t) && t.includes("lateral"));
      fixedPool = new Pool({ connectionString: env.DATABASE_URL, max: 4 });
      fixedDb = drizzle({ client: fixedPool, schema }) as typeof fixedDb;
      replay = true;
      return json({ statuses, recorded: recorded.size, lookupSql: Boolean(lookupSql) });
    }
    if (url.pathname === "/case") {
      const name = url.searchParams.get("name") ?? "";
      const n = Number(url.searchParams.get("n") ?? "1");
      const fn = CASES[name];
      if (!fn) return json({ error: `unknown case ${name}` }, 404);
      if (!replay) return json({ error: "GET /record first" }, 409);
      // Log lines must not reach stdout (they would cost the bench process, not the case).
      console.log = () => {};
      try {
        for (let i = 0; i < n; i++) await fn(env);
      } catch (err) {
        return json({ error: err instanceof Error ? err.message : String(err) }, 500);
      } finally {
        console.log = realConsoleLog;
      }
      return json({ name, n });
    }
    if (url.pathname === "/") return json({ cases: Object.keys(CASES) });
    return json({ error: "not found" }, 404);
  },
};
