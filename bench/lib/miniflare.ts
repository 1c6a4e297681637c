// `--miniflare`: the same workers run through Miniflare instead of the bare workerd binary, so
// anyone can see what Miniflare's entry worker (every request in) and outbound interceptor (every
// fetch out) add. Not the default: production has neither.
import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { childPids, processCpuMs } from "./proc.ts";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, type RunningWorker, type WorkerOptions } from "./workerd.ts";

export async function startWorkerInMiniflare(options: WorkerOptions): Promise<RunningWorker> {
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
