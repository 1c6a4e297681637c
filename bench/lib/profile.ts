// CPU profile of a worker under load, from workerd's own V8 sampling profiler (DevTools protocol
// over the inspector socket), with self time attributed to the bundle's source modules: esbuild
// marks each module in the bundle with a `// path/to/module` comment line, so a sampled line
// number maps back to its module without a source-map library.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { RunningWorker } from "./workerd.ts";

const require = createRequire(import.meta.url);
const { WebSocket } = require("ws") as typeof import("ws");

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  share: number;
  usPerReq: number;
}

export interface ProfileSummary {
  requests: number;
  /** Sampled non-idle time of the isolate's thread per request, ms. */
  sampledMsPerReq: number;
  /** Self time by function (module › function), largest first. */
  top: ProfileEntry[];
  /** Self time by module, largest first. */
  modules: ProfileEntry[];
  /** Self time by package (node_modules package, src directory, or runtime bucket), largest first. */
  packages: ProfileEntry[];
}

/** `drizzle-orm/sql/sql.js` -> `drizzle-orm`, `src/db/client.ts` -> `src/db`, runtime buckets as they are. */
function packageOf(module: string): string {
  if (module.startsWith("(")) return module;
  if (module.startsWith("node-internal:")) return "workerd node:* compat";
  if (module.startsWith("src/"))
    return module
      .split("/")
      .slice(0, module.split("/").length > 2 ? 2 : 1)
      .join("/");
  if (module.startsWith("bench/")) return "bench harness";
  const parts = module.split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Line (0-based) where each bundled module starts, from esbuild's `// path` markers. */
function moduleIndex(bundlePath: string): { line: number; module: string }[] {
  const lines = readFileSync(bundlePath, "utf8").split("\n");
  const out: { line: number; module: string }[] = [];
  lines.forEach((text, line) => {
    const match = /^\/\/ ((?:node_modules|src|\.\.|[\w@.-]+\/)[^\s]*\.(?:[cm]?js|ts|json))$/.exec(text);
    if (match) out.push({ line, module: match[1]! });
  });
  return out;
}

function shortModule(path: string): string {
  const nm = path.lastIndexOf("node_modules/");
  if (nm < 0) return path;
  const rest = path.slice(nm + "node_modules/".length).split("/");
  const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  const file = rest
    .slice(rest[0]!.startsWith("@") ? 2 : 1)
    .join("/")
    .replace(/^dist\//, "");
  return `${pkg}/${file}`;
}

class Inspector {
  #ws: import("ws").WebSocket;
  #next = 1;
  #pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  private constructor(ws: import("ws").WebSocket) {
    this.#ws = ws;
    ws.on("message", (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
  }

  static connect(url: string): Promise<Inspector> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no inspector at ${url}`));
      }, 10_000);
      ws.once("open", () => {
        clearTimeout(timer);
        resolve(new Inspector(ws));
      });
      ws.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  send<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer from the inspector`));
      }, 30_000);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.#ws.terminate();
  }
}

/** Profiles `worker` while `drive` runs load against it; `drive` returns the responses it got. */
export async function profileWorker(
  worker: RunningWorker,
  bundlePath: string,
  drive: () => Promise<number>,
  options: { intervalUs?: number; top?: number } = {},
): Promise<ProfileSummary> {
  if (!worker.inspectorUrl) throw new Error(`${worker.name} was started without an inspector`);
  const inspector = await Inspector.connect(worker.inspectorUrl);
  try {
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: options.intervalUs ?? 100 });
    await inspector.send("Profiler.start");
    const requests = await drive();
    const { profile } = await inspector.send<{ profile: CpuProfile }>("Profiler.stop");
    // BENCH_PROFILE_DIR=dir keeps the raw profiles (open them in Chrome DevTools' Performance tab).
    const dir = process.env.BENCH_PROFILE_DIR;
    if (dir) writeFileSync(join(dir, `${worker.name}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    return summarize(profile, moduleIndex(bundlePath), requests, options.top ?? 12);
  } finally {
    inspector.close();
  }
}

function summarize(profile: CpuProfile, modules: { line: number; module: string }[], requests: number, top: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time since the previous sample; it belongs to the sample before it.
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta);
  }
  // The worker's bundle is its main module, "index.js"; other scripts are workerd's own JS
  // (e.g. node-internal:internal_buffer behind nodejs_compat's Buffer).
  const isBundle = (url: string) => url === "index.js" || url.endsWith("/index.js");
  const moduleOf = (frame: CallFrame): string => {
    if (!frame.url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
    if (!isBundle(frame.url)) return frame.url;
    let lo = 0;
    let hi = modules.length - 1;
    let found = "";
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (modules[mid]!.line <= frame.lineNumber) {
        found = modules[mid]!.module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found ? shortModule(found) : frame.url;
  };
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === "(idle)") continue;
    busy += us;
    const module = moduleOf(frame);
    const fn = frame.functionName.startsWith("(") && !frame.url ? module : `${module} › ${frame.functionName || "(anonymous)"}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byModule.set(module, (byModule.get(module) ?? 0) + us);
    const pkg = packageOf(module);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const n = Math.max(1, requests);
  const entries = (m: Map<string, number>, limit: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, share: us / Math.max(1, busy), usPerReq: us / n }));
  return {
    requests,
    sampledMsPerReq: busy / 1000 / n,
    top: entries(byFunction, top),
    modules: entries(byModule, 40),
    packages: entries(byPackage, 20),
  };
}
