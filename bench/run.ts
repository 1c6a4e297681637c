// `npm run bench`: throughput, latency, CPU and Postgres round trips per request of the public
// license endpoints, run in workerd directly (the workerd binary on the deploy bundle: no wrangler dev, no Miniflare),
// against floors (minimal workers on the same runtime, database and driver), a conventional Node
// peer, and at two table sizes. Everything it needs it starts itself (embedded Postgres, relay,
// workerd processes, the peer) and stops again; every load run is bounded in time. Then what the
// availability features cost and do: the degraded-answer snapshots' cost, and an outage under load.
//
//   npm run bench                  the full suite, about 8 minutes on 2 cores
//   npm run bench -- --quick       a smoke run, about 3 minutes (2 s runs, 100k-row large table)
//   options: --duration S  --warmup S  --connections N  --large N  --profile  --miniflare
//
// Results: the tables on stdout (progress on stderr) and bench/results/latest.json.
//
// This file is the order of things; lib/ holds the parts: settings.ts (the flags), stack.ts (the
// processes), edge-cache.ts (the Cache API's stand-in), artifacts.ts (the builds), scenarios.ts,
// hot-path.ts, snapshot-cost.ts, proof-cost.ts and outage.ts (the runs), measure.ts (one run), paired.ts (two
// servers compared in alternating slices), report.ts, availability-report.ts, targets.ts,
// hot-path-report.ts and results-file.ts (the output), lifecycle.ts (cleanup on exit, signal or
// deadline).
import { cpus } from "node:os";
import { buildArtifacts } from "./lib/artifacts.ts";
import { apiKeyLastUsed } from "./lib/data.ts";
import { runHotPath } from "./lib/hot-path.ts";
import { cleanup, fail, guardRun } from "./lib/lifecycle.ts";
import { say, secondsSinceStart, startClock } from "./lib/log.ts";
import { Runs } from "./lib/measure.ts";
import { runOutage } from "./lib/outage.ts";
import { proofTargets, runProofCost } from "./lib/proof-cost.ts";
import { renderReport } from "./lib/report.ts";
import { writeResultsFile } from "./lib/results-file.ts";
import { measureStartups, runEddsa, runFloors, runMetricsCost, runPaired, runPeer, runScale, runScram, runService } from "./lib/scenarios.ts";
import { CONNECTIONS, DEADLINE_S, DURATION_S, QUICK, WARMUP_S } from "./lib/settings.ts";
import { nodeRs256SignCost } from "./lib/sign-cost.ts";
import { runSnapshotCost } from "./lib/snapshot-cost.ts";
import { type Stack, scratchDir, startCache, startDatabase, startLoadGenerator, trackedWorkers } from "./lib/stack.ts";
import { buildTargets } from "./lib/targets.ts";

startClock();
const disarmDeadline = guardRun(DEADLINE_S);

async function main(): Promise<void> {
  say(`${QUICK ? "quick" : "full"} run: ${DURATION_S}s runs after ${WARMUP_S}s warm-up, ${CONNECTIONS} connections, ${cpus().length} cores`);
  const tmp = scratchDir();
  const database = await startDatabase(tmp);
  const art = await buildArtifacts(tmp);
  const stack: Stack = { ...database, cache: await startCache(), load: startLoadGenerator(), workers: trackedWorkers() };
  const runs = new Runs(stack);
  const session = { stack, art, runs };

  const startup = await measureStartups(session);
  const floors = await runFloors(session);
  const nodeSign = nodeRs256SignCost(art.rsKeys);
  const service = await runService(session);
  const eddsa = await runEddsa(session, service.cold);
  await runPeer(session);
  await runScram(session, service.worker);
  const hotPath = await runHotPath(session, service.tokens);
  const paired = [...(await runPaired(session, floors, service, eddsa)), ...(await runMetricsCost(session, service))];
  const snapshots = await runSnapshotCost(session);
  if (snapshots) paired.push(...snapshots.paired);
  const proofs = await runProofCost(session);
  const outage = await runOutage(session);
  const largeTable = await runScale(session, service.worker);
  const lastUsedAfter = await apiKeyLastUsed(stack.pg.url);

  say("stopping everything");
  await cleanup();

  const findings = {
    results: runs.results,
    failures: runs.failures,
    targets: [...buildTargets((id) => runs.by(id), paired), ...proofTargets(proofs)],
    paired,
    snapshots,
    proofs,
    outage,
    art,
    startup,
    cold: service.cold,
    lastUsed: { before: service.lastUsedBefore, after: lastUsedAfter },
    hotPath,
    largeTable,
    nodeSign,
    wallS: secondsSinceStart(),
  };
  process.stdout.write(renderReport(findings));
  writeResultsFile(findings);
}

try {
  await main();
  disarmDeadline();
  process.exit(0);
} catch (err) {
  await fail(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
