// Runs autocannon in a worker thread, so the load generator's event loop is not the one that
// also relays every Postgres connection (scripts/lib/relay.ts runs in the main thread).
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";
import type { LoadJob, LoadResult } from "./load.ts";

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
  stop(): void;
}
type Autocannon = (options: Record<string, unknown>, done: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

const autocannon = require("autocannon") as Autocannon;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function run(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.durationS,
        timeout: 10,
        requests: job.requests,
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
        });
      },
    );
    instance.on("response", (_client, _status, _bytes, ms) => {
      latencies.push(ms);
    });
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
