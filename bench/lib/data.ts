// Benchmark data: one tenant, application and policy, N licenses with keys derivable from their
// index (so the load generator knows valid keys without storing them), and an API key allowed to
// introspect; beside them, a policy without degraded answers and its own N licenses, for what the
// snapshots cost. Licenses are inserted by Postgres itself from generate_series: a million rows,
// key hashes included, in one statement.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { newApiKey } from "../../src/crypto/random.ts";

const require = createRequire(import.meta.url);
const { Client } = require("pg") as typeof import("pg");

export const TENANT_ID = "tnt_bench";
export const APPLICATION_ID = "app_bench";
export const POLICY_ID = "pol_bench";
/** The same policy but `degraded_grace_s = 0`: its live VALID answers keep no snapshot. */
export const NO_GRACE_POLICY_ID = "pol_bench_no_grace";
/**
 * Its licenses are numbered from here on, far above any table size the scale runs grow to (and
 * below int4's limit, which the seeding's generate_series uses).
 */
export const NO_GRACE_FROM = 2_000_000_000;

/**
 * License key number `i` (1-based): `lk_bench` + the 35-digit index with `0` spelled `o`, so the
 * key is 40 base58 characters after `lk_` and passes the service's key pattern. The SQL below
 * builds the same string.
 */
export const benchLicenseKey = (i: number) => `lk_bench${String(i).padStart(35, "0").replaceAll("0", "o")}`;
const KEY_SQL = (i: string) => `'lk_bench' || translate(lpad(${i}::text, 35, '0'), '0', 'o')`;

export const sha256Hex = (s: string) => createHash("sha256").update(s).digest("hex");

export interface Seeded {
  apiKey: string;
  licenses: number;
}

async function withClient<T>(url: string, fn: (c: import("pg").Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Tenant, application, policy, API key (with `tokens:introspect`) and licenses 1..count. */
export async function seedBase(url: string, count: number): Promise<Seeded> {
  const apiKey = newApiKey();
  await withClient(url, async (c) => {
    await c.query("BEGIN");
    await c.query("INSERT INTO tenants (id, name, plan_tier) VALUES ($1, 'Bench Seller', 'pro')", [TENANT_ID]);
    await c.query("INSERT INTO applications (id, tenant_id, name) VALUES ($1, $2, 'Bench App')", [APPLICATION_ID, TENANT_ID]);
    await c.query(
      `INSERT INTO policies (id, tenant_id, application_id, name, max_activations, binding_mode, token_tier)
       VALUES ($1, $2, $3, 'Bench policy', 3, 'none', 'basic')`,
      [POLICY_ID, TENANT_ID, APPLICATION_ID],
    );
    await c.query(
      `INSERT INTO api_keys (id, tenant_id, name, key_hash, key_prefix, permissions)
       VALUES ('key_bench', $1, 'bench', $2, $3, $4::text[])`,
      [TENANT_ID, sha256Hex(apiKey), apiKey.slice(0, 7), ["tokens:introspect", "tokens:revoke", "tenants:read"]],
    );
    await c.query("COMMIT");
  });
  await addLicenses(url, 1, count);
  return { apiKey, licenses: count };
}

/** The no-grace policy and licenses NO_GRACE_FROM + 1..count under it, otherwise like the others. */
export async function seedNoGrace(url: string, count: number): Promise<void> {
  await withClient(url, (c) =>
    c.query(
      `INSERT INTO policies (id, tenant_id, application_id, name, max_activations, binding_mode, token_tier, degraded_grace_s)
       VALUES ($1, $2, $3, 'Bench policy, no degraded answers', 3, 'none', 'basic', 0)`,
      [NO_GRACE_POLICY_ID, TENANT_ID, APPLICATION_ID],
    ),
  );
  await addLicenses(url, NO_GRACE_FROM + 1, NO_GRACE_FROM + count, NO_GRACE_POLICY_ID);
}

/**
 * Inserts licenses from..to (inclusive) in one INSERT ... SELECT, then vacuums and analyzes. For a
 * big batch the secondary indexes are dropped first and rebuilt after (a sorted build beats a
 * million random B-tree inserts), from their own definitions, so the result is the migrated schema.
 */
export async function addLicenses(url: string, from: number, to: number, policyId = POLICY_ID): Promise<void> {
  if (to < from) return;
  await withClient(url, async (c) => {
    // Bench data references rows we just made: skip the per-row foreign-key triggers (superuser).
    await c.query("SET session_replication_role = replica");
    await c.query("SET maintenance_work_mem = '256MB'");
    const rebuild = to - from > 50_000;
    const indexes = rebuild
      ? (
          await c.query<{ name: string; def: string }>(
            `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             WHERE x.indrelid = 'licenses'::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)`,
          )
        ).rows
      : [];
    for (const index of indexes) await c.query(`DROP INDEX "${index.name}"`);
    await c.query(
      `INSERT INTO licenses (id, tenant_id, application_id, policy_id, key_hash, key_prefix, plan, features, expires_at)
       SELECT 'lic_bench' || lpad(i::text, 13, '0'), $1, $2, $3,
              encode(sha256(convert_to(${KEY_SQL("i")}, 'UTF8')), 'hex'), 'lk_benc',
              'pro', '["export","sync"]'::jsonb, now() + interval '1 year'
       FROM generate_series($4::int, $5::int) AS i`,
      [TENANT_ID, APPLICATION_ID, policyId, from, to],
    );
    for (const index of indexes) await c.query(index.def);
    // Set hint bits and the visibility map now, and flush, so no autovacuum, first-read page
    // dirtying or checkpoint lands inside a measured run.
    await c.query("VACUUM (ANALYZE) licenses");
    await c.query("CHECKPOINT");
  });
}

/** Sanity check that the SQL and JS key derivations agree. */
export async function checkKeyDerivation(url: string, i: number): Promise<void> {
  const found = await withClient(url, (c) => c.query("SELECT id FROM licenses WHERE key_hash = $1", [sha256Hex(benchLicenseKey(i))]));
  if (found.rowCount !== 1) throw new Error(`license key #${i} derived in JS does not match the seeded one`);
}

/** Spread `n` license numbers over 1..total, deterministic (multiplicative hashing). */
export function sampleLicenseNumbers(total: number, n: number): number[] {
  if (total <= n) return Array.from({ length: total }, (_, k) => k + 1);
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(1 + Number((BigInt(k) * 2654435761n + 12345n) % BigInt(total)));
  return out;
}

/** Row and size of the licenses table, for the report. */
export async function licensesTableSize(url: string): Promise<{ rows: number; bytes: number }> {
  return withClient(url, async (c) => {
    const r = await c.query<{ rows: string; bytes: string }>(
      "SELECT count(*)::bigint AS rows, pg_total_relation_size('licenses')::bigint AS bytes FROM licenses",
    );
    return { rows: Number(r.rows[0]!.rows), bytes: Number(r.rows[0]!.bytes) };
  });
}

/** The API key's `last_used_at` (the service refreshes it at most once a minute). */
export async function apiKeyLastUsed(url: string): Promise<Date | null> {
  return withClient(url, async (c) => {
    const r = await c.query<{ last_used_at: Date | null }>("SELECT last_used_at FROM api_keys WHERE id = 'key_bench'");
    return r.rows[0]?.last_used_at ?? null;
  });
}

/**
 * Marks the API key as just used, an hour ahead, so introspection does not schedule its
 * at-most-once-a-minute `last_used_at` refresh while the probe replays it thousands of times.
 */
export async function apiKeyRecentlyUsed(url: string): Promise<void> {
  await withClient(url, (c) => c.query("UPDATE api_keys SET last_used_at = now() + interval '1 hour' WHERE id = 'key_bench'"));
}
