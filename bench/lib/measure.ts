// One measured load run: warm-up, then a bounded run with CPU of the server, of Postgres and of
// this process read around it, and Postgres round trips counted by the relay. `Runs` collects
// them; a broken endpoint is reported and skipped, not fatal.
import type { Relay } from "../../scripts/lib/relay.ts";
import { fmt } from "./format.ts";
import type { LoadGenerator, LoadRequest, LoadResult } from "./load.ts";
import { say } from "./log.ts";
import { postgresCpuMs, processCpuMs } from "./proc.ts";
import { CONNECTIONS, DURATION_S, SMALL, WARMUP_S } from "./settings.ts";

export interface Measurement extends LoadResult {
  id: string;
  label: string;
  connections: number;
  server: "workerd" | "node";
  licenses: number;
  /** Server process CPU (user + system, all threads) per response. */
  cpuMsPerReq: number;
  /**
   * Postgres round trips (simple Query or extended-protocol Sync, counted by the relay) per request
   * sent, not counting the usage metrics' batched writes, which are no request's own.
   */
  pgTripsPerReq: number | null;
  pgTrips: number | null;
  /** The usage metrics' batched writes during the run (local store), per run and per 1,000 responses. */
  metricWrites: number | null;
  metricWritesPerK: number | null;
  /** WebSocket connections opened through the relay per response (a Pool per request connects once). */
  wsConnsPerReq: number | null;
  /** CPU of every Postgres process per response. */
  pgCpuMsPerReq: number;
  /** CPU of this bench process per response: the relay (main thread) and autocannon (worker thread). */
  benchCpuMsPerReq: number;
  warmup: { requests: number; pgTrips: number | null };
  sanity?: string;
}

/** What a run reads its figures from. */
export interface MeasureContext {
  relay: Relay;
  postmasterPid: number;
  load: LoadGenerator;
}

export interface RunSpec {
  id: string;
  label: string;
  /** The server under load: where to send requests, and whose CPU to read. */
  target: { url: string; pid: number };
  requests: LoadRequest[];
  /**
   * workerd (the default) reaches Postgres through the relay, which counts the round trips; the
   * Node peer talks TCP to Postgres directly, so its trips are not counted.
   */
  server?: "workerd" | "node";
  /** Licenses in the table during the run (default SMALL). */
  licenses?: number;
  /** Concurrent connections (default CONNECTIONS): 1 gives the latency of a server with no queue. */
  connections?: number;
}

/** Round trips made for requests: every query the relay saw but the metrics' batched writes. */
export const requestTrips = (ctx: MeasureContext) => ctx.relay.stats.queries - ctx.relay.stats.metricWrites;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function measure(ctx: MeasureContext, spec: RunSpec): Promise<Measurement> {
  say(`${spec.label}: ${WARMUP_S}s warm-up + ${DURATION_S}s at ${CONNECTIONS} connections`);
  const warmTrips0 = requestTrips(ctx);
  const warm = await ctx.load.run({ url: spec.target.url, connections: CONNECTIONS, durationS: WARMUP_S, requests: spec.requests });
  // Let requests abandoned at the end of the warm-up (and their waitUntil work) finish.
  await sleep(300);
  const warmTrips = requestTrips(ctx) - warmTrips0;
  const m = await sample(ctx, spec, DURATION_S, { requests: warm.requests, pgTrips: spec.server === "node" ? null : warmTrips });
  const problems = [
    m.errors ? `${m.errors} errors` : "",
    m.timeouts ? `${m.timeouts} timeouts` : "",
    m.non2xx ? `${m.non2xx} non-2xx (${JSON.stringify(m.statusCodes)})` : "",
  ].filter(Boolean);
  say(
    `  ${fmt.int(m.rps)} req/s, p50 ${fmt.ms(m.p50)} ms, p99 ${fmt.ms(m.p99)} ms, CPU ${fmt.fixed(m.cpuMsPerReq, 3)} ms/req` +
      (m.pgTripsPerReq !== null ? `, ${fmt.fixed(m.pgTripsPerReq, 3)} PG trips/req` : "") +
      (m.metricWrites ? `, ${fmt.fixed(m.metricWritesPerK, 2)} metric writes/1k` : "") +
      (problems.length ? ` -- ${problems.join(", ")}` : ""),
  );
  return m;
}

/** One bounded run on an already warm server, with the CPU and round trips read around it. */
export async function sample(
  ctx: MeasureContext,
  spec: RunSpec,
  durationS: number,
  warmup: Measurement["warmup"] = { requests: 0, pgTrips: null },
): Promise<Measurement> {
  const { url, pid } = spec.target;
  const server = spec.server ?? "workerd";
  const viaRelay = server === "workerd";
  const cpu0 = processCpuMs(pid);
  const pg0 = postgresCpuMs(ctx.postmasterPid);
  const q0 = requestTrips(ctx);
  const w0 = ctx.relay.stats.metricWrites;
  const c0 = ctx.relay.stats.connections;
  const self0 = process.cpuUsage();
  const result = await ctx.load.run({ url, connections: spec.connections ?? CONNECTIONS, durationS, requests: spec.requests });
  await sleep(300);
  const self = process.cpuUsage(self0);
  const cpu = processCpuMs(pid) - cpu0;
  const pg = postgresCpuMs(ctx.postmasterPid) - pg0;
  const trips = requestTrips(ctx) - q0;
  const writes = ctx.relay.stats.metricWrites - w0;
  const conns = ctx.relay.stats.connections - c0;
  const n = Math.max(1, result.requests);
  return {
    id: spec.id,
    label: spec.label,
    server,
    connections: spec.connections ?? CONNECTIONS,
    licenses: spec.licenses ?? SMALL,
    ...result,
    cpuMsPerReq: cpu / n,
    // Per request sent: a request still in flight when the run stopped has usually sent its query.
    pgTripsPerReq: viaRelay ? trips / Math.max(1, result.sent) : null,
    pgTrips: viaRelay ? trips : null,
    metricWrites: viaRelay ? writes : null,
    metricWritesPerK: viaRelay ? (writes * 1000) / n : null,
    wsConnsPerReq: viaRelay ? conns / n : null,
    pgCpuMsPerReq: pg / n,
    benchCpuMsPerReq: (self.user + self.system) / 1000 / n,
    warmup,
  };
}

/** The measurements of a bench run, and the failures of the parts that could not be measured. */
export class Runs {
  readonly results: Measurement[] = [];
  readonly failures: string[] = [];
  #ctx: MeasureContext;

  constructor(ctx: MeasureContext) {
    this.#ctx = ctx;
  }

  /** Runs one part of the bench; if it throws, the failure is reported and the bench goes on. */
  async guard<T>(id: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      const msg = `${id}: ${err instanceof Error ? err.message : String(err)}`;
      this.failures.push(msg);
      say(`FAILED ${msg}`);
      return undefined;
    }
  }

  /** `guard` for a part that yields a measurement: kept in `results`. */
  async attempt(id: string, fn: () => Promise<Measurement | undefined>): Promise<void> {
    const m = await this.guard(id, fn);
    if (m) this.results.push(m);
  }

  /** Measures `spec`, after `check` (a request that must succeed first) when there is one. */
  measure(spec: RunSpec, check?: () => Promise<unknown>): Promise<void> {
    return this.attempt(spec.id, async () => {
      await check?.();
      return measure(this.#ctx, spec);
    });
  }

  by(id: string): Measurement | undefined {
    return this.results.find((r) => r.id === id);
  }
}
