// Builds the service bundle the way a deploy does, bundles the floor workers, and runs each in
// workerd directly through Miniflare (no wrangler dev proxy in the path). Each worker gets its own
// workerd process, so its CPU can be read from /proc.
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { childPids, processCpuMs } from "./proc.ts";
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
    const child = spawn(
      process.execPath,
      [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      },
    );
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
  /** From `new Miniflare()` to workerd listening (config load, script compile, top-level run). */
  readyMs: number;
  /** From `new Miniflare()` to the first 200 on `probePath`. */
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

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const before = new Set(childPids(process.pid, "workerd"));
  const started = performance.now();
  const env: Record<string, { type: "text"; value: string } | { type: "kv"; id: string }> = {};
  for (const [name, value] of Object.entries(options.bindings)) env[name] = { type: "text", value };
  for (const name of options.kvNamespaces ?? []) env[name] = { type: "kv", id: name };
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    // No request.cf lookup from the internet: this machine reaches loopback only.
    cf: false,
    ...(options.inspect ? { inspectorPort: 0 } : {}),
    workers: [
      {
        config: {
          name: options.name,
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: COMPATIBILITY_FLAGS,
          env,
          manifest: {
            mainModule: "index.js",
            modules: { "index.js": { type: "esm", contents: readFileSync(options.scriptPath, "utf8") } },
          },
        },
      },
    ],
  });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
  const readyMs = performance.now() - started;
  const probe = options.probe ?? { path: "/" };
  const base = url.origin;
  let firstOkMs = NaN;
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await fetch(base + probe.path, probe.init).catch(() => undefined);
    if (res) await res.arrayBuffer();
    if (res?.status === 200) {
      firstOkMs = performance.now() - started;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pids = childPids(process.pid, "workerd").filter((p) => !before.has(p));
  if (pids.length !== 1) {
    await mf.dispose().catch(() => {});
    throw new Error(`expected one new workerd process for ${options.name}, found ${pids.length}`);
  }
  if (Number.isNaN(firstOkMs)) {
    await mf.dispose().catch(() => {});
    throw new Error(`${options.name} never answered 200 on ${probe.path}`);
  }
  const startupCpuMs = processCpuMs(pids[0]!);
  const inspectorUrl = options.inspect ? `ws://${(await mf.getInspectorURL()).host}/core:user:${options.name}` : undefined;
  return { name: options.name, url: base, pid: pids[0]!, readyMs, firstOkMs, startupCpuMs, inspectorUrl, dispose: () => mf.dispose() };
}
