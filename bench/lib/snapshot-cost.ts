// What the degraded-answer snapshots cost on the hot path (src/services/degraded.ts). After a live
// VALID answer the service keeps a snapshot in the Cache API, in waitUntil, at most once per
// license and device per isolate per quarter of the policy's degraded_grace_s (15 min at most).
// Two sets of licenses differ only in their policy's grace (3600 s, the default, and 0: no
// snapshot is ever kept), and one fresh instance answers both, so both sides share the isolate,
// its heap and its JIT state.
//
//   first pass    each key's first live answer writes its snapshot: passes sending each key
//                 once, over half of the grace keys (one write per request) and over as many
//                 no-grace keys (none), alternating; the Cache API stand-in counts the writes
//   steady state  every grace key written: validate and verify in alternating slices
//                 (lib/paired.ts), grace keys against no-grace keys; what is left is deciding
//                 not to write
//
// Cache writes are no Postgres round trip: the relay's count stays one per request on both sides.
import { serviceBindings, serviceWorker } from "./bindings.ts";
import { NO_GRACE_FROM } from "./data.ts";
import { say } from "./log.ts";
import { median, type RunSpec, requestTrips, sleep } from "./measure.ts";
import { measurePair, type PairedResult, type Spread } from "./paired.ts";
import { processCpuMs } from "./proc.ts";
import { expectAllOk, keyRequests, sendEach } from "./requests.ts";
import type { Session } from "./scenarios.ts";
import { CONNECTIONS, METRICS_ROUNDS, PAIRED_SLICE_S, SMALL, WARMUP_S } from "./settings.ts";
import type { RunningWorker } from "./workerd.ts";

/** One pass: each request sent once. */
export interface Pass {
  requests: number;
  cpuMsPerReq: number;
  /** Snapshots the Cache API kept during the pass (and the 300 ms after it). */
  writes: number;
  /** Postgres round trips for requests, per request. */
  tripsPerReq: number;
}

export interface FirstPassRound {
  /** Every request writes a snapshot. */
  writing: Pass;
  /** No request does. */
  plain: Pass;
  /** writing over plain, CPU/req. */
  ratio: number;
}

export interface SnapshotCost {
  route: string;
  firstPass: FirstPassRound[];
  firstPassRatio: Spread;
  /** Median of the rounds' CPU per snapshot write (writing minus plain, per request), ms. */
  msPerWrite: number;
  /** Snapshots kept while the steady-state slices ran (none expected: every key already has one). */
  steadyWrites: number;
  /** validate and verify, grace keys over no-grace keys. */
  paired: PairedResult[];
}

const FIRST_PASS_ROUTE = "/v1/licenses/validate";
/** The settling after a pass: the snapshot writes run after the responses, in waitUntil. */
const SETTLE_MS = 300;

async function pass(session: Session, worker: RunningWorker, requests: RunSpec["requests"], what: string): Promise<Pass> {
  const { stack } = session;
  const cpu0 = processCpuMs(worker.pid);
  const puts0 = stack.cache.stats.puts;
  const trips0 = requestTrips(stack);
  expectAllOk(await sendEach(worker.url, requests, CONNECTIONS), what);
  await sleep(SETTLE_MS);
  return {
    requests: requests.length,
    cpuMsPerReq: (processCpuMs(worker.pid) - cpu0) / requests.length,
    writes: stack.cache.stats.puts - puts0,
    tripsPerReq: (requestTrips(stack) - trips0) / requests.length,
  };
}

const spread = (xs: number[]): Spread => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

export function runSnapshotCost(session: Session): Promise<SnapshotCost | undefined> {
  const { stack, art, runs } = session;
  return runs.guard("snapshot cost", async () => {
    const worker = await stack.workers.start(serviceWorker(stack, "service-snapshots", art, serviceBindings(stack, art.rsKeys)));
    try {
      const grace = keyRequests(FIRST_PASS_ROUTE, SMALL);
      const noGrace = keyRequests(FIRST_PASS_ROUTE, SMALL, NO_GRACE_FROM);
      // JIT and connections warm on keys that never write, so the grace keys stay unwritten.
      await stack.load.run({ url: worker.url, connections: CONNECTIONS, durationS: WARMUP_S + 1, requests: noGrace });
      await sleep(SETTLE_MS);
      say(`snapshot cost, first pass: ${SMALL} grace keys once each (one write each) against as many no-grace keys, in 2 alternating rounds`);
      const half = SMALL / 2;
      const firstPass: FirstPassRound[] = [];
      for (let round = 0; round < 2; round++) {
        const keys = (list: RunSpec["requests"]) => list.slice(round * half, (round + 1) * half);
        const withWrites = () => pass(session, worker, keys(grace), "first pass, grace keys");
        const withoutWrites = () => pass(session, worker, keys(noGrace), "first pass, no-grace keys");
        let writing: Pass;
        let plain: Pass;
        if (round % 2 === 0) {
          writing = await withWrites();
          plain = await withoutWrites();
        } else {
          plain = await withoutWrites();
          writing = await withWrites();
        }
        firstPass.push({ writing, plain, ratio: writing.cpuMsPerReq / plain.cpuMsPerReq });
      }
      const firstPassRatio = spread(firstPass.map((r) => r.ratio));
      // NaN when no write was counted (under --miniflare, Miniflare's own cache keeps them).
      const msPerWrite = median(firstPass.map((r) => ((r.writing.cpuMsPerReq - r.plain.cpuMsPerReq) * r.writing.requests) / r.writing.writes));
      say(`  CPU/req ${firstPassRatio.median.toFixed(2)}x when every request writes (${firstPass.map((r) => `${r.writing.writes} writes`).join(", ")})`);

      const puts0 = stack.cache.stats.puts;
      const paired: PairedResult[] = [];
      for (const route of ["validate", "verify"]) {
        const path = `/v1/licenses/${route}`;
        const a: RunSpec = { id: `${route}_grace`, label: `${route}, grace 3600 s (snapshots)`, target: worker, requests: keyRequests(path, SMALL) };
        const b: RunSpec = {
          id: `${route}_no_grace`,
          label: `${route}, grace 0 (no snapshots)`,
          target: worker,
          requests: keyRequests(path, SMALL, NO_GRACE_FROM),
        };
        await stack.load.run({ url: worker.url, connections: CONNECTIONS, durationS: WARMUP_S, requests: a.requests });
        await sleep(SETTLE_MS);
        const result = await runs.guard(`paired ${a.id}/${b.id}`, () => measurePair(stack, { a, b }, METRICS_ROUNDS, PAIRED_SLICE_S));
        if (result) paired.push(result);
      }
      return { route: FIRST_PASS_ROUTE, firstPass, firstPassRatio, msPerWrite, steadyWrites: stack.cache.stats.puts - puts0, paired };
    } finally {
      await stack.workers.stop(worker);
    }
  });
}
