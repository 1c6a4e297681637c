// Runs autocannon in a worker thread, so the load generator's event loop is not the one that
// also relays every Postgres connection (scripts/lib/relay.ts runs in the main thread).
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";
import type { LoadJob, LoadResult, ResponseTrace } from "./load.ts";

const require = createRequire(import.meta.url);

/**
 * The part of autocannon's programmatic API used here (the package ships no types). Off the main
 * thread autocannon hands back its raw result (no aggregation): these are its fields.
 */
interface AutocannonResult {
  totalCompletedRequests: number;
  /** Requests written, including those still in flight when the run stopped. */
  totalRequests: number;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  /** A connection error or a timeout. */
  on(event: "reqError", listener: () => void): void;
  stop(): void;
}
/** Called for each response to the request it is set on, just before the "response" event. */
type OnResponse = (status: number, body: string, context: unknown, headers: Record<string, string | string[]>) => void;
type Autocannon = (options: Record<string, unknown>, done: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

const autocannon = require("autocannon") as Autocannon;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const epochMs = () => performance.timeOrigin + performance.now();

const isDegraded = (headers: Record<string, string | string[]>) =>
  Object.entries(headers).some(([name, value]) => name.toLowerCase() === "license-degraded" && value === "true");

function run(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const trace: ResponseTrace | undefined = job.trace ? { at: [], status: [], ms: [], degraded: [], failedAt: [] } : undefined;
    // The header is only seen by onResponse; the "response" event that follows it has the latency.
    let degraded = false;
    const onResponse: OnResponse = (_status, _body, _context, headers) => {
      degraded = isDegraded(headers);
    };
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.durationS,
        timeout: 10,
        requests: trace ? job.requests.map((r) => ({ ...r, onResponse })) : job.requests,
      },
      (err, result) => {
        clearTimeout(guard);
        if (err) return reject(err);
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          requests: latencies.length,
          sent: result.totalRequests,
          durationS: result.duration,
          rps: latencies.length / result.duration,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
          trace,
        });
      },
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (!trace) return;
      trace.at.push(epochMs());
      trace.status.push(status);
      trace.ms.push(ms);
      trace.degraded.push(degraded);
    });
    if (trace) instance.on("reqError", () => trace.failedAt.push(epochMs()));
    // Belt and braces: a run never outlives its duration by more than a few seconds.
    const guard = setTimeout(() => instance.stop(), (job.durationS + 15) * 1000);
  });
}

parentPort!.on("message", (job: LoadJob) => {
  run(job).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: String(err) }),
  );
});
