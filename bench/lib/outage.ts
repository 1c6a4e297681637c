// The outage scenario: verify under the usual load while the database hangs for a few seconds and
// comes back (the relay's fault switch, scripts/lib/faults.ts: queries accepted, never answered,
// cut when the fault is lifted). Every response is traced (time, status, `License-Degraded`,
// latency), to see what installed apps got while it hung: live answers, degraded VALID answers
// from the edge's snapshots, 503s, or nothing in time; and how long after the database is back
// the answers are live again. The service is a fresh instance connecting as its own Postgres role,
// so the fault reaches it alone, and every key it is asked for was answered live first (so each
// has its snapshot).

import { FAULT_ROLE, faultRoleUrl } from "../../scripts/lib/faults.ts";
import { BREAKER_COOL_DOWN_MS, BREAKER_THRESHOLD } from "../../src/db/breaker.ts";
import { serviceBindings, serviceWorker } from "./bindings.ts";
import type { CacheStats } from "./edge-cache.ts";
import type { ResponseTrace } from "./load.ts";
import { say } from "./log.ts";
import { sleep } from "./measure.ts";
import { expectAllOk, keyRequests, sendEach } from "./requests.ts";
import type { Session } from "./scenarios.ts";
import { CONNECTIONS, QUICK, SMALL } from "./settings.ts";

/** The public license routes' database budget (src/db/client.ts DB_BUDGET_MS.public). */
export const PUBLIC_DEADLINE_MS = 2_500;
/** An answer counts as in time up to the budget plus this, for what the request does around its query. */
const IN_TIME_MS = PUBLIC_DEADLINE_MS + 500;
/** Load before the fault, the fault itself, and what is watched after it is lifted. */
export const OUTAGE_PHASES_S = { before: 2, hang: QUICK ? 3 : 5, after: 8 } as const;
const ROUTE = "/v1/licenses/verify";

/** What a response was. */
export type Outcome = "live" | "degraded" | "unavailable" | "other";
export type Counts = Record<Outcome | "failed", number>;

export interface Bucket {
  /** Seconds from the fault's start (completion time). */
  fromS: number;
  counts: Counts;
  maxMs: number;
}

export interface Outage {
  route: string;
  connections: number;
  phasesS: typeof OUTAGE_PHASES_S;
  breaker: { threshold: number; coolDownMs: number };
  deadlineMs: number;
  /** An answer slower than this is late (the budget plus what the request does around its query). */
  inTimeMs: number;
  /** Keys answered live once before the load, and the snapshots that pass wrote. */
  keys: number;
  snapshotsWritten: number;
  /** Live answers in the second before the fault: how many (so, per second) and their latency. */
  before: { rps: number; p50: number; p99: number };
  /** Requests sent while the database hung, by what they got (failed: connection errors and timeouts). */
  during: Counts & {
    total: number;
    /** A 200 or 503 within `inTimeMs`, over all sent. */
    answeredInTimeShare: number;
    p50: number;
    p99: number;
    maxMs: number;
    /** Answers slower than `inTimeMs`. */
    late: number;
  };
  /** From the fault's start to the first answer that was not live (a deadline, then the breaker). */
  firstFallbackMs: number | null;
  /** From lifting the fault: the first live answer, and the moment from which every answer was live. */
  recovery: { firstLiveMs: number | null; allLiveMs: number | null };
  /** Calls that reached the relay while it hung (what deadlines and the breaker let through). */
  callsWhileHung: number;
  /** The Cache API from the fault's start to the end: hits are snapshots found, misses none found. */
  cache: Pick<CacheStats, "hits" | "misses">;
  timeline: Bucket[];
}

const epochMs = () => performance.timeOrigin + performance.now();

function outcome(status: number, degraded: boolean): Outcome {
  if (status === 200) return degraded ? "degraded" : "live";
  return status === 503 ? "unavailable" : "other";
}

const noCounts = (): Counts => ({ live: 0, degraded: 0, unavailable: 0, other: 0, failed: 0 });

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The trace read against the fault's start (`on`) and end (`off`), epoch ms. */
function analyse(trace: ResponseTrace, on: number, off: number): Pick<Outage, "before" | "during" | "firstFallbackMs" | "recovery" | "timeline"> {
  const n = trace.at.length;
  const sentAt = (i: number) => trace.at[i]! - trace.ms[i]!;
  const kind = (i: number) => outcome(trace.status[i]!, trace.degraded[i]!);

  // Before: the last second before the fault (the first one after the start is still warming).
  const beforeMs: number[] = [];
  for (let i = 0; i < n; i++) if (trace.at[i]! >= on - 1000 && trace.at[i]! < on && kind(i) === "live") beforeMs.push(trace.ms[i]!);

  const during = { ...noCounts(), total: 0, answeredInTimeShare: 0, p50: 0, p99: 0, maxMs: 0, late: 0 };
  const duringMs: number[] = [];
  let inTime = 0;
  for (let i = 0; i < n; i++) {
    if (sentAt(i) < on || sentAt(i) >= off) continue;
    const k = kind(i);
    during[k]++;
    duringMs.push(trace.ms[i]!);
    if (k === "other") continue;
    if (trace.ms[i]! <= IN_TIME_MS) inTime++;
    else during.late++;
  }
  // A failure's send time is unknown: counted if it happened from the fault to a deadline after it.
  during.failed = trace.failedAt.filter((t) => t >= on && t < off + PUBLIC_DEADLINE_MS).length;
  during.total = duringMs.length + during.failed;
  during.answeredInTimeShare = during.total ? inTime / during.total : 0;
  during.p50 = percentile(duringMs, 50);
  during.p99 = percentile(duringMs, 99);
  during.maxMs = duringMs.length ? Math.max(...duringMs) : 0;

  let firstFallback = Number.POSITIVE_INFINITY;
  let firstLive = Number.POSITIVE_INFINITY;
  let lastBad = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const at = trace.at[i]!;
    const live = kind(i) === "live";
    if (!live && at >= on) firstFallback = Math.min(firstFallback, at);
    if (live && at >= off) firstLive = Math.min(firstLive, at);
    if (!live && at >= on) lastBad = Math.max(lastBad, at);
  }
  for (const t of trace.failedAt) if (t >= on) lastBad = Math.max(lastBad, t);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const allLive = firstLive === Number.POSITIVE_INFINITY ? null : Math.max(0, lastBad - off);

  // One-second buckets by completion time, numbered from the fault's start.
  const secondOf = (at: number) => Math.floor((at - on) / 1000);
  const firstS = secondOf(Math.min(trace.at[0] ?? on, ...trace.failedAt));
  const timeline: Bucket[] = [];
  const bucket = (at: number) => {
    const index = secondOf(at) - firstS;
    while (timeline.length <= index) timeline.push({ fromS: firstS + timeline.length, counts: noCounts(), maxMs: 0 });
    return timeline[index]!;
  };
  for (let i = 0; i < n; i++) {
    const b = bucket(trace.at[i]!);
    b.counts[kind(i)]++;
    b.maxMs = Math.max(b.maxMs, trace.ms[i]!);
  }
  for (const t of trace.failedAt) bucket(t).counts.failed++;

  return {
    before: { rps: beforeMs.length, p50: percentile(beforeMs, 50), p99: percentile(beforeMs, 99) },
    during,
    firstFallbackMs: finite(firstFallback - on),
    recovery: { firstLiveMs: finite(firstLive - off), allLiveMs: allLive },
    timeline,
  };
}

export function runOutage({ stack, art, runs }: Session): Promise<Outage | undefined> {
  const { before, hang, after } = OUTAGE_PHASES_S;
  say(`outage: verify at ${CONNECTIONS} connections, the database hanging for ${hang}s after ${before}s, watched for ${after}s after`);
  return runs.guard("outage", async () => {
    const databaseUrl = await faultRoleUrl(stack.pg.url);
    const worker = await stack.workers.start(serviceWorker(stack, "service-outage", art, { ...serviceBindings(stack, art.rsKeys), DATABASE_URL: databaseUrl }));
    try {
      const requests = keyRequests(ROUTE, SMALL);
      const puts0 = stack.cache.stats.puts;
      expectAllOk(await sendEach(worker.url, requests, CONNECTIONS), "outage: first live answers");
      // The snapshot writes run after the responses (waitUntil).
      await sleep(500);
      const snapshotsWritten = stack.cache.stats.puts - puts0;

      const load = stack.load.run({ url: worker.url, connections: CONNECTIONS, durationS: before + hang + after, requests, trace: true });
      const fault = (async () => {
        await sleep(before * 1000);
        const calls0 = stack.relay.stats.queries;
        const cache0 = { ...stack.cache.stats };
        const on = epochMs();
        stack.relay.faults.set({ mode: "hang", user: FAULT_ROLE });
        await sleep(hang * 1000);
        const callsWhileHung = stack.relay.stats.queries - calls0;
        stack.relay.faults.set({ mode: "none" });
        return { on, off: epochMs(), callsWhileHung, cache0 };
      })();
      const [loaded, marks] = await Promise.allSettled([load, fault]);
      if (loaded.status === "rejected") throw loaded.reason;
      if (marks.status === "rejected") throw marks.reason;
      const { trace } = loaded.value;
      if (!trace) throw new Error("the load generator returned no trace");
      const { on, off, callsWhileHung, cache0 } = marks.value;
      const found = analyse(trace, on, off);
      say(
        `  while hung: ${found.during.live} live, ${found.during.degraded} degraded, ${found.during.unavailable} 503, ${found.during.other} other, ` +
          `${found.during.failed} failed; p99 ${found.during.p99.toFixed(0)} ms; live again ${found.recovery.firstLiveMs?.toFixed(0) ?? "-"} ms after the lift`,
      );
      return {
        route: ROUTE,
        connections: CONNECTIONS,
        phasesS: OUTAGE_PHASES_S,
        breaker: { threshold: BREAKER_THRESHOLD, coolDownMs: BREAKER_COOL_DOWN_MS },
        deadlineMs: PUBLIC_DEADLINE_MS,
        inTimeMs: IN_TIME_MS,
        keys: requests.length,
        snapshotsWritten,
        ...found,
        callsWhileHung,
        cache: { hits: stack.cache.stats.hits - cache0.hits, misses: stack.cache.stats.misses - cache0.misses },
      };
    } finally {
      stack.relay.faults.set({ mode: "none" });
      await stack.workers.stop(worker);
    }
  });
}
