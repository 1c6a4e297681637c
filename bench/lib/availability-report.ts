// The report's availability sections: what the degraded-answer snapshots cost (lib/snapshot-cost.ts)
// and what installed apps got while the database hung (lib/outage.ts).
import { fmt, table } from "./format.ts";
import type { Outage } from "./outage.ts";
import { MINIFLARE } from "./settings.ts";
import type { SnapshotCost } from "./snapshot-cost.ts";

const later = (ms: number | null) => (ms === null ? "not within the watch" : `${fmt.int(ms)} ms`);

export function renderSnapshotCost(c: SnapshotCost): string[] {
  const rounds = c.firstPass.map(
    (r, i) =>
      `round ${i + 1}: ${fmt.fixed(r.writing.cpuMsPerReq, 3)} vs ${fmt.fixed(r.plain.cpuMsPerReq, 3)} ms/req = ${fmt.ratio(r.ratio)} ` +
      `(${r.writing.writes} vs ${r.plain.writes} snapshots kept, ${fmt.fixed(r.writing.tripsPerReq, 3)} vs ${fmt.fixed(r.plain.tripsPerReq, 3)} PG trips/req)`,
  );
  return [
    "Degraded-answer snapshots (policy degraded_grace_s 3600 vs 0, one fresh instance answering both):",
    `  first pass, ${c.route} with each key sent once (every grace key's first live VALID writes its snapshot): ${rounds.join("; ")}.`,
    `  Median ${fmt.ratio(c.firstPassRatio.median)}: ${fmt.fixed(c.msPerWrite, 3)} ms of workerd CPU per snapshot (hash the request, serialise, Cache API put ` +
      "after the response). Paid once per license and device per isolate per quarter grace (15 min at most); a run over N new keys pays it N times.",
    `  steady state (every key written): the "snapshots on vs off" pairs above and targets below; snapshots kept during those slices: ${c.steadyWrites}.`,
    MINIFLARE
      ? "  Under --miniflare the snapshots go to Miniflare's own cache: the counts above are not kept."
      : "  Cache API writes are counted by the bench's Cache API stand-in (lib/edge-cache.ts); they are no Postgres round trip.",
  ];
}

export function renderOutage(o: Outage): string[] {
  const d = o.during;
  const { hang } = o.phasesS;
  const rows = o.timeline.map((b) => [
    `${b.fromS >= 0 ? "+" : ""}${b.fromS}`,
    b.fromS < 0 ? "before" : b.fromS < hang ? "hung" : "after",
    fmt.int(b.counts.live),
    fmt.int(b.counts.degraded),
    fmt.int(b.counts.unavailable),
    fmt.int(b.counts.other),
    fmt.int(b.counts.failed),
    fmt.ms(b.maxMs),
  ]);
  return [
    `Outage: ${o.route} at ${o.connections} connections; the database hung ${hang}s after ${o.phasesS.before}s of load (relay fault "hang"), watched ${o.phasesS.after}s after it came back.`,
    `  Public routes' database budget ${fmt.int(o.deadlineMs)} ms; the breaker opens after ${o.breaker.threshold} failures for ${fmt.int(o.breaker.coolDownMs)} ms. ` +
      `Each of the ${fmt.int(o.keys)} keys answered live once first: ${fmt.int(o.snapshotsWritten)} snapshots kept.`,
    `  Requests sent while it hung: ${fmt.int(d.total)}: ${fmt.int(d.live)} live, ${fmt.int(d.degraded)} degraded (200, License-Degraded), ` +
      `${fmt.int(d.unavailable)} 503, ${fmt.int(d.other)} other status, ${fmt.int(d.failed)} failed (connection error or timeout).`,
    `  Answered (200 or 503) within ${fmt.int(o.inTimeMs)} ms: ${fmt.pct(d.answeredInTimeShare)}; ${fmt.int(d.late)} later. ` +
      `Latency p50 ${fmt.ms(d.p50)} ms, p99 ${fmt.ms(d.p99)} ms, max ${fmt.ms(d.maxMs)} ms (live in the second before the fault: p50 ${fmt.ms(o.before.p50)} ms, p99 ${fmt.ms(o.before.p99)} ms).`,
    `  First answer not live ${later(o.firstFallbackMs)} after the fault began. After the lift: first live answer ${later(o.recovery.firstLiveMs)}, ` +
      `every answer live from ${later(o.recovery.allLiveMs)}.`,
    `  Calls that reached the database while it hung: ${fmt.int(o.callsWhileHung)}. Cache API from the fault on: ${fmt.int(o.cache.hits)} snapshots found, ${fmt.int(o.cache.misses)} missing.`,
    table(
      [
        { title: "s from fault", align: "left" },
        { title: "phase", align: "left" },
        { title: "live" },
        { title: "degraded" },
        { title: "503" },
        { title: "other" },
        { title: "failed" },
        { title: "max ms" },
      ],
      rows,
    ),
    "  (responses by the second they completed in; the first and last seconds are partial)",
  ];
}
