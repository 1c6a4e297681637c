// Floor "verify": the service's verify with everything but the essentials taken away. Parse the
// body, hash the key, run the same single SQL lookup as src/db/queries/license-lookup.ts (text
// captured at bench time) through @neondatabase/serverless's HTTP query function configured like
// src/db/client.ts (one per isolate: it holds no I/O), then sign one token.
//   POST /lookup   the lookup only (the floor for validate)
//   POST /verify   lookup + one signature (the floor for verify)
import { neon, neonConfig } from "@neondatabase/serverless";
import { json, signLicenseToken, type FloorContext, type FloorEnv } from "./shared.ts";

let relayInUse: string | undefined;

function useRelay(relay: string): void {
  if (relayInUse === relay) return;
  neonConfig.wsProxy = (host, port) => `${relay}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.fetchEndpoint = () => `http://${relay}/sql`;
  relayInUse = relay;
}

const encoder = new TextEncoder();

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

async function sha256Hex(input: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(input)));
  let out = "";
  for (let i = 0; i < digest.length; i++) out += HEX[digest[i]!];
  return out;
}

let lookup: { sql: string; params: unknown[]; hashAt: number } | undefined;

function lookupQuery(env: FloorEnv) {
  if (!lookup) {
    if (!env.LOOKUP_SQL || !env.LOOKUP_PARAMS) throw new Error("LOOKUP_SQL and LOOKUP_PARAMS are required");
    const params = JSON.parse(env.LOOKUP_PARAMS) as unknown[];
    lookup = { sql: env.LOOKUP_SQL, params, hashAt: params.indexOf("$KEY_HASH") };
  }
  return lookup;
}

type Row = unknown[];

let sql: ReturnType<typeof neon> | undefined;

/** Column positions by name (first occurrence, like the select list), learned once. */
let columns: Map<string, number> | undefined;

export default {
  async fetch(request: Request, env: FloorEnv, _ctx: FloorContext): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST" || (path !== "/lookup" && path !== "/verify")) return json({ error: "not found" }, 404);
    const body = (await request.json()) as { license_key?: string };
    const keyHash = await sha256Hex(String(body.license_key));

    if (env.DB_RELAY_URL) useRelay(env.DB_RELAY_URL);
    sql ??= neon(env.DATABASE_URL!, { arrayMode: true, fullResults: true });
    const q = lookupQuery(env);
    const values = q.params.slice();
    values[q.hashAt] = keyHash;
    const result = (await sql.query(q.sql, values)) as unknown as { rows: unknown[][]; fields: { name: string }[] };
    const row = result.rows[0] as Row | undefined;
    if (!row) return json({ valid: false, code: "NOT_FOUND" });
    columns ??= new Map(result.fields.map((f, i) => [f.name, i] as const).reverse());
    const col = (name: string) => row[columns!.get(name) ?? -1];
    const license = {
      licenseId: col("id") as string,
      applicationId: (col("application_id") as string | null) ?? null,
      expiresAt: (col("expires_at") as Date | null) ?? null,
      plan: (col("plan") as string | null) ?? null,
      features: (col("features") as string[] | null) ?? [],
      sellerTier: col("plan_tier") as string,
      tokenTier: col("token_tier") as string,
    };
    if (path === "/lookup") return json({ valid: true, license: license.licenseId });
    const { token } = await signLicenseToken(env, license);
    return json({ valid: true, license: license.licenseId, license_token: token });
  },
};
