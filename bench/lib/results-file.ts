// bench/results/latest.json (gitignored): the same figures as the report, with the settings,
// the machine and the raw measurements, for comparing runs.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname } from "node:path";
import { loadAverageAtStart } from "./log.ts";
import type { Findings } from "./report.ts";
import { CONNECTIONS, DURATION_S, KEYS_PER_RUN, LARGE, MINIFLARE, QUICK, RESULTS, SMALL, WARMUP_S } from "./settings.ts";

export function writeResultsFile(f: Findings): void {
  mkdirSync(dirname(RESULTS), { recursive: true });
  const { bundle, lookup } = f.art;
  const results = {
    date: new Date().toISOString(),
    mode: QUICK ? "quick" : "full",
    runtime: MINIFLARE ? "miniflare" : "workerd",
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAtStart: loadAverageAtStart(), loadAtEnd: loadavg()[0] },
    settings: { durationS: DURATION_S, warmupS: WARMUP_S, connections: CONNECTIONS, small: SMALL, large: LARGE, keysPerRun: KEYS_PER_RUN },
    bundle: { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes, buildMs: bundle.buildMs },
    startup: { ...f.startup, cold: f.cold },
    lookupSql: lookup,
    largeTable: f.largeTable,
    nodeRs256SignUs: f.nodeSign.us,
    nodeRs256SignWithoutIfmaUs: f.nodeSign.withoutIfmaUs,
    results: f.results,
    targets: f.targets,
    paired: f.paired,
    snapshotFirstPass: f.snapshots && { ...f.snapshots, paired: f.snapshots.paired.map((p) => p.id) },
    dpopProofs: f.proofs,
    outage: f.outage,
    probe: f.hotPath.probe,
    probeProfiles: f.hotPath.probeProfiles,
    profiles: f.hotPath.profiles,
    failures: f.failures,
    wallSeconds: f.wallS,
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
}
