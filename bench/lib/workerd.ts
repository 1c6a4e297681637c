// Builds the service bundle the way a deploy does, bundles the floor workers, and runs each in
// workerd directly: the `workerd` binary with a generated config, one process per worker, so its
// CPU can be read from /proc. Not through Miniflare: its entry worker (every request in) and
// outbound interceptor (every fetch out) are extra JavaScript hops that production doesn't have;
// measured on this machine they cost ~0.17 ms of CPU each, more than the whole "hello" route.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { processCpuMs } from "./proc.ts";
import { servicePlugin } from "./service-node.ts";

export const COMPATIBILITY_DATE = "2026-10-20";
export const COMPATIBILITY_FLAGS = ["nodejs_compat"];

export interface BundleInfo {
  path: string;
  bytes: number;
  gzipBytes: number;
  buildMs: number;
}

function sizes(path: string): { bytes: number; gzipBytes: number } {
  const code = readFileSync(path);
  return { bytes: statSync(path).size, gzipBytes: gzipSync(code, { level: 9 }).length };
}

/** `wrangler deploy --dry-run --outdir <outdir>`: the exact bundle a deploy uploads. */
export async function buildServiceBundle(root: string, outdir: string): Promise<BundleInfo> {
  const started = performance.now();
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    });
    child.stdout.on("data", (d: Buffer) => output.push(d.toString()));
    child.stderr.on("data", (d: Buffer) => output.push(d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.once("error", reject);
    child.once("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed (${code}):\n${output.join("")}`);
  const path = join(outdir, "index.js");
  return { path, ...sizes(path), buildMs: performance.now() - started };
}

/**
 * Bundles a floor or probe worker (TypeScript module worker) the way wrangler resolves worker
 * packages; with `serviceRoot`, `@service/x` imports resolve to the service's src/x.
 */
export async function bundleFloor(entry: string, outfile: string, serviceRoot?: string): Promise<BundleInfo> {
  const started = performance.now();
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    minify: false,
    logLevel: "warning",
    plugins: serviceRoot ? [servicePlugin(serviceRoot)] : [],
  });
  return { path: outfile, ...sizes(outfile), buildMs: performance.now() - started };
}

export interface RunningWorker {
  name: string;
  url: string;
  /** The workerd process serving this worker. */
  pid: number;
  /** From spawning workerd to its first HTTP answer (config load, script compile, top-level run). */
  readyMs: number;
  /** From spawning workerd to the first 200 on the probe path. */
  firstOkMs: number;
  /** CPU workerd used from its start to that first 200 (config, compile, top-level code, 1 request). */
  startupCpuMs: number;
  /** workerd's DevTools endpoint for this worker, when started with `inspect`. */
  inspectorUrl?: string;
  dispose(): Promise<void>;
}

export interface WorkerOptions {
  name: string;
  scriptPath: string;
  bindings: Record<string, string>;
  kvNamespaces?: string[];
  /** The Cache API's service (lib/edge-cache.ts, `host:port`); without one `caches.default` throws. */
  cacheAddress?: string;
  /** A request that must answer 200 once the worker is up (default: GET /). */
  probe?: { path: string; init?: RequestInit };
  /** Open workerd's inspector (for the CPU profiler). Never on measured instances. */
  inspect?: boolean;
}

/** Starts and stops workers; the bench's own (lib/stack.ts) also stops whatever is left at cleanup. */
export interface Workers {
  start(options: WorkerOptions): Promise<RunningWorker>;
  stop(worker: RunningWorker): Promise<void>;
}

/** A free loopback port (the kernel's pick; released again for workerd to bind). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * KV for the bench, behind workerd's `kvNamespace` binding (which turns `get`/`put`/`delete` into
 * HTTP requests to a service): in memory, no expiry. The bench never revokes, so gets miss.
 */
const KV_SERVICE = `const store = new Map();
export default {
  async fetch(request) {
    const key = new URL(request.url).pathname.slice(1);
    if (request.method === "GET") return store.has(key) ? new Response(store.get(key)) : new Response(null, { status: 404 });
    if (request.method === "PUT") { store.set(key, await request.text()); return new Response(null); }
    if (request.method === "DELETE") { store.delete(key); return new Response(null); }
    return new Response(null, { status: 405 });
  },
};
`;

const capnpString = (value: string) => JSON.stringify(value);

/**
 * The workerd config: the worker on one socket, text bindings embedded from files, loopback egress,
 * and the Cache API's service when there is one.
 */
function writeConfig(dir: string, options: WorkerOptions, port: number): string {
  writeFileSync(join(dir, "worker.js"), readFileSync(options.scriptPath));
  const bindings: string[] = [];
  for (const [i, [name, value]] of Object.entries(options.bindings).entries()) {
    // Embedded, so secrets and SQL need no escaping in the config.
    writeFileSync(join(dir, `binding-${i}.txt`), value);
    bindings.push(`(name = ${capnpString(name)}, text = embed "binding-${i}.txt")`);
  }
  const kv = options.kvNamespaces ?? [];
  for (const name of kv) bindings.push(`(name = ${capnpString(name)}, kvNamespace = "kv")`);
  if (kv.length > 0) writeFileSync(join(dir, "kv.js"), KV_SERVICE);
  const flags = COMPATIBILITY_FLAGS.map(capnpString).join(", ");
  const cache = options.cacheAddress ? `(name = "cache", external = (address = ${capnpString(options.cacheAddress)}, http = ())),` : "";
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = ${capnpString(options.name)}, worker = .worker),
    ${kv.length > 0 ? `(name = "kv", worker = (modules = [(name = "kv.js", esModule = embed "kv.js")], compatibilityDate = "${COMPATIBILITY_DATE}")),` : ""}
    ${cache}
    (name = "internet", network = (allow = ["public", "private"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = ${capnpString(options.name)})],
);
const worker :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed "worker.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  compatibilityFlags = [${flags}],
  bindings = [${bindings.join(", ")}],
  globalOutbound = "internet",
  ${cache ? `cacheApiOutbound = "cache",` : ""}
);
`;
  const path = join(dir, "config.capnp");
  writeFileSync(path, config);
  return path;
}

/** The workerd binary Miniflare and wrangler run (the `workerd` package picks the platform's build). */
const WORKERD = (createRequire(createRequire(import.meta.url).resolve("miniflare"))("workerd") as { default: string }).default;

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const dir = mkdtempSync(join(tmpdir(), `bench-workerd-${options.name}-`));
  const port = await freePort();
  const inspectorPort = options.inspect ? await freePort() : undefined;
  const config = writeConfig(dir, options, port);
  const started = performance.now();
  const child = spawn(WORKERD, ["serve", config, "--experimental", ...(inspectorPort ? [`--inspector-addr=127.0.0.1:${inspectorPort}`] : [])], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const failWith = async (why: string): Promise<never> => {
    await dispose();
    throw new Error(`${options.name}: ${why}\n${output}`);
  };

  const base = `http://127.0.0.1:${port}`;
  const probe = options.probe ?? { path: "/" };
  let readyMs = NaN;
  let firstOkMs = NaN;
  for (let attempt = 0; attempt < 200 && Number.isNaN(firstOkMs); attempt++) {
    if (child.exitCode !== null) return failWith(`workerd exited (${child.exitCode})`);
    const res = await fetch(base + probe.path, probe.init).catch(() => undefined);
    if (res) {
      // The socket answers only once the config is loaded and the script has run.
      if (Number.isNaN(readyMs)) readyMs = performance.now() - started;
      await res.arrayBuffer();
      if (res.status === 200) firstOkMs = performance.now() - started;
    }
    if (Number.isNaN(firstOkMs)) await new Promise((r) => setTimeout(r, 25));
  }
  if (Number.isNaN(firstOkMs)) return failWith(`never answered 200 on ${probe.path}`);
  const startupCpuMs = processCpuMs(child.pid!);
  const inspectorUrl = inspectorPort ? `ws://127.0.0.1:${inspectorPort}/${options.name}` : undefined;
  return { name: options.name, url: base, pid: child.pid!, readyMs, firstOkMs, startupCpuMs, inspectorUrl, dispose };
}
