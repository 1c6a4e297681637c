// Drives bench/probe/probe.ts: each case N times in one request, CPU read from the workerd
// process's thread times (ns) around that request, the per-request overhead (case "empty")
// subtracted, N chosen so each measurement is about 150 ms of CPU, median of 3.
import { apiKeyRecentlyUsed } from "./data.ts";
import { median } from "./measure.ts";
import { processCpuNs } from "./proc.ts";
import { type ProfileSummary, profileWorker } from "./profile.ts";
import type { RunningWorker, Workers } from "./workerd.ts";

export interface ProbeResult {
  name: string;
  label: string;
  /** CPU per call, microseconds (NaN when the case failed). */
  us: number;
  n: number;
  error?: string;
}

export const PROBE_CASES: { name: string; label: string }[] = [
  { name: "app_healthz", label: "GET /healthz: the middleware stack alone" },
  { name: "app_jwks", label: "GET /v1/licenses/jwks" },
  { name: "app_validate", label: "POST /v1/licenses/validate" },
  { name: "app_verify", label: "POST /v1/licenses/verify" },
  { name: "app_introspect", label: "POST /v1/licenses/introspect (incl. local KV get)" },
  { name: "app_validate_malformed_key", label: "POST /v1/licenses/validate, malformed key (no DB)" },
  { name: "floor_lookup", label: "lookup floor logic (parse, hash, HTTP query)" },
  { name: "floor_verify", label: "verify floor logic (the same + one signature)" },
  { name: "connect_db", label: "connectDb(): new Pool + drizzle({ client, schema })" },
  { name: "new_pool", label: "  new Pool()" },
  { name: "drizzle_with_schema", label: "  drizzle({ client, schema })" },
  { name: "drizzle_without_schema", label: "  drizzle({ client }) without schema, for comparison" },
  { name: "license_lookup_query", label: "findLicenseByKeyHash: fixed SQL over HTTP + row mapping" },
  { name: "db_path_per_request", label: "sha256Hex + findLicenseByKeyHash (the per-request data path)" },
  { name: "sha256_hex", label: "sha256Hex(license key)" },
  { name: "key_ring_cached", label: "getKeyRing() (cached per isolate)" },
  { name: "issue_token", label: "issueLicenseToken() with the RS256 key" },
  { name: "validate_body_zod", label: "ValidateBody.parse() (zod)" },
  { name: "log_line_warn", label: "request log line, LOG_LEVEL=warn (dropped)" },
  { name: "log_line_info", label: "request log line, LOG_LEVEL=info (redact + JSON, write excluded)" },
  { name: "etag_sha1_jwks", label: "etag(): clone + read + SHA-1 of the JWKS body" },
  // Last: it switches the per-isolate key ring to the EdDSA set.
  { name: "issue_token_eddsa", label: "issueLicenseToken() with an EdDSA key" },
];

async function runCase(worker: RunningWorker, name: string, n: number): Promise<number> {
  const before = processCpuNs(worker.pid);
  const res = await fetch(`${worker.url}/case?name=${name}&n=${n}`);
  const text = await res.text();
  const after = processCpuNs(worker.pid);
  if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 200)}`);
  return after - before;
}

export async function runProbe(
  scriptPath: string,
  bindings: Record<string, string>,
  databaseUrl: string,
  workers: Workers,
  options: { targetNs?: number; repeats?: number } = {},
): Promise<ProbeResult[]> {
  await apiKeyRecentlyUsed(databaseUrl);
  const worker = await workers.start({ name: "probe", scriptPath, bindings, kvNamespaces: ["REVOCATIONS"], probe: { path: "/" } });
  try {
    const rec = await fetch(`${worker.url}/record`);
    const recText = await rec.text();
    const recorded = JSON.parse(recText) as { statuses?: number[]; lookupSql?: boolean };
    if (rec.status !== 200 || !recorded.lookupSql || recorded.statuses?.some((s) => s !== 200)) {
      throw new Error(`probe /record: ${rec.status} ${recText.slice(0, 300)}`);
    }
    const target = options.targetNs ?? 150e6;
    const repeats = options.repeats ?? 3;
    // Warm every case (JIT, caches) and get the per-request overhead.
    for (const c of PROBE_CASES) await runCase(worker, c.name, 20).catch(() => 0);
    const empties: number[] = [];
    for (let i = 0; i < 5; i++) empties.push(await runCase(worker, "empty", 1));
    const overhead = median(empties);
    const out: ProbeResult[] = [];
    for (const c of PROBE_CASES) {
      try {
        const calib = Math.max(1, (await runCase(worker, c.name, 20)) - overhead) / 20;
        const n = Math.round(Math.min(20_000, Math.max(20, target / calib)));
        const xs: number[] = [];
        for (let i = 0; i < repeats; i++) xs.push(((await runCase(worker, c.name, n)) - overhead) / n);
        out.push({ ...c, us: median(xs) / 1000, n });
      } catch (err) {
        out.push({ ...c, us: NaN, n: 0, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return out;
  } finally {
    await workers.stop(worker);
  }
}

/**
 * Where the probe's whole-request cases spend their CPU: the same cases, replayed database, on a
 * separate probe instance with the inspector open, sampled by V8's profiler.
 */
export async function profileProbe(
  scriptPath: string,
  bindings: Record<string, string>,
  workers: Workers,
  cases: string[],
  calls: number,
): Promise<Record<string, ProfileSummary>> {
  const worker = await workers.start({ name: "probe-profiled", scriptPath, bindings, kvNamespaces: ["REVOCATIONS"], probe: { path: "/" }, inspect: true });
  try {
    const rec = await fetch(`${worker.url}/record`);
    if (rec.status !== 200) throw new Error(`probe /record: ${rec.status} ${(await rec.text()).slice(0, 300)}`);
    const out: Record<string, ProfileSummary> = {};
    for (const name of cases) {
      await runCase(worker, name, 50);
      out[name] = await profileWorker(worker, scriptPath, async () => {
        const res = await fetch(`${worker.url}/case?name=${name}&n=${calls}`);
        const text = await res.text();
        if (res.status !== 200) throw new Error(`${name}: ${res.status} ${text.slice(0, 200)}`);
        return calls;
      });
    }
    return out;
  } finally {
    await workers.stop(worker);
  }
}
