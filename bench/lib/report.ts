// The report on stdout: the settings and startup, the endpoint and reference tables, their ratios,
// the paired rounds, the snapshots' cost and the outage, the scale table, the targets,
// then the hot-path sections.
import { cpus, loadavg } from "node:os";
import type { Artifacts } from "./artifacts.ts";
import { renderOutage, renderSnapshotCost } from "./availability-report.ts";
import { type Column, fmt, table } from "./format.ts";
import type { HotPath } from "./hot-path.ts";
import { renderHotPath } from "./hot-path-report.ts";
import { loadAverageAtStart } from "./log.ts";
import type { Measurement } from "./measure.ts";
import type { Outage } from "./outage.ts";
import type { PairedResult } from "./paired.ts";
import { type ProofCost, renderProofCost } from "./proof-cost.ts";
import type { LargeTable, Startup } from "./scenarios.ts";
import { CONNECTIONS, DURATION_S, KEYS_PER_RUN, LARGE, MINIFLARE, PAIRED_SLICE_S, QUICK, SMALL, WARMUP_S } from "./settings.ts";
import type { NodeSignCost } from "./sign-cost.ts";
import type { SnapshotCost } from "./snapshot-cost.ts";
import type { Target } from "./targets.ts";

/** Everything a bench run found, for the report and bench/results/latest.json. */
export interface Findings {
  results: Measurement[];
  failures: string[];
  targets: Target[];
  art: Artifacts;
  startup: { service: Startup; helloFloor: Startup };
  /** First requests in fresh isolates, ms (and introspect's first round trips). */
  cold: Record<string, number>;
  /** The API key's last_used_at before the first introspect and after all runs. */
  lastUsed: { before: Date | null; after: Date | null };
  hotPath: HotPath;
  /** The targets comparing two servers, again in alternating slices. */
  paired: PairedResult[];
  /** The degraded-answer snapshots' first pass (their steady state is in `paired`). */
  snapshots: SnapshotCost | undefined;
  /** What checking a DPoP proof costs (lib/proof-cost.ts). */
  proofs: ProofCost | undefined;
  outage: Outage | undefined;
  largeTable: LargeTable;
  /** CPU of one RS256 signature with node:crypto on the same key. */
  nodeSign: NodeSignCost;
  wallS: number;
}

const ENDPOINT_COLUMNS: Column[] = [
  { title: `endpoint (${SMALL.toLocaleString("en-US")} licenses)`, align: "left" },
  { title: "req/s" },
  { title: "p50 ms" },
  { title: "p99 ms" },
  { title: "CPU ms/req" },
  { title: "PG trips/req" },
  { title: "PG CPU ms/req" },
  { title: "relay+load ms/req" },
  { title: "requests" },
  { title: "bad" },
];

const endpointRow = (m: Measurement) => [
  m.label,
  fmt.int(m.rps),
  fmt.ms(m.p50),
  fmt.ms(m.p99),
  fmt.fixed(m.cpuMsPerReq, 3),
  m.pgTripsPerReq === null ? "n/a" : fmt.fixed(m.pgTripsPerReq, 3),
  fmt.fixed(m.pgCpuMsPerReq, 3),
  fmt.fixed(m.benchCpuMsPerReq, 3),
  fmt.int(m.requests),
  m.errors + m.timeouts + m.non2xx ? `${m.errors + m.timeouts + m.non2xx}` : "0",
];

/** The whole report, newline-terminated. */
export function renderReport(f: Findings): string {
  const by = (id: string) => f.results.find((r) => r.id === id);
  const { service, helloFloor } = f.startup;
  const { cold } = f;
  const out: string[] = [];
  out.push("");
  out.push(
    `Edge license service bench (${QUICK ? "quick" : "full"}): ${MINIFLARE ? "workerd via Miniflare" : "workerd (direct)"}, ${cpus().length} cores, Node ${process.version}, ` +
      `${CONNECTIONS} connections, ${DURATION_S}s runs after ${WARMUP_S}s warm-up, loopback only`,
  );
  out.push(
    `Bundle (wrangler deploy --dry-run): ${fmt.kib(f.art.bundle.bytes)} raw, ${fmt.kib(f.art.bundle.gzipBytes)} gzip (level 9).  ` +
      `Startup (median of ${service.starts}): workerd answering ${fmt.int(service.readyMs)} ms after spawn, first /healthz 200 at ` +
      `${fmt.int(service.firstOkMs)} ms, ${fmt.int(service.cpuMs)} ms workerd CPU (hello floor: ${fmt.int(helloFloor.readyMs)} / ` +
      `${fmt.int(helloFloor.firstOkMs)} ms, ${fmt.int(helloFloor.cpuMs)} ms CPU).`,
  );
  if (cold.verifyFirstMs !== undefined) {
    out.push(
      `First verify in a fresh isolate: ${fmt.ms(cold.verifyFirstMs)} ms (RS256 key import + first connection), the next one ${fmt.ms(cold.verifySecondMs)} ms` +
        (cold.verifyEddsaFirstMs !== undefined ? `; EdDSA instance first verify ${fmt.ms(cold.verifyEddsaFirstMs)} ms.` : "."),
    );
  }
  out.push(
    `1-min load average ${loadAverageAtStart().toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (the bench keeps both cores busy; anything else running skews it).`,
  );
  out.push("");
  const present = (ids: string[]) => ids.map(by).filter((m): m is Measurement => !!m);
  out.push(table(ENDPOINT_COLUMNS, present(["jwks", "validate", "verify", "introspect", "verify_eddsa"]).map(endpointRow)));
  out.push("");
  out.push(
    table(
      [{ ...ENDPOINT_COLUMNS[0]!, title: "references (same runtime, DB, driver, data, load)" }, ...ENDPOINT_COLUMNS.slice(1)],
      present([
        "floor_hello",
        "floor_sign",
        "floor_lookup",
        "floor_verify",
        "floor_verify_eddsa",
        "peer_verify",
        "peer_verify_no_ifma",
        "peer_verify_eddsa",
        "verify_scram",
      ]).map(endpointRow),
    ),
  );
  out.push(
    "CPU = the server process (workerd, or the Node peer), PG CPU = all Postgres processes, relay+load = this process (relay + autocannon), all from /proc, per response.",
  );
  out.push(
    `PG trips = Query/Sync messages through the relay per request sent (incl. the ${CONNECTIONS} in flight at the stop); the peer talks TCP directly (n/a). The 2 cores are shared by all of them.`,
  );
  const sign = by("floor_sign");
  const hello = by("floor_hello");
  if (sign && hello) {
    out.push(
      `One RS256 signature: ${fmt.fixed(sign.cpuMsPerReq - hello.cpuMsPerReq, 3)} ms of workerd CPU (sign floor minus hello floor; BoringSSL via WebCrypto), ` +
        `${fmt.fixed(f.nodeSign.us / 1000, 3)} ms in Node (node:crypto, OpenSSL ${process.versions.openssl}, same key, measured in this process)` +
        (f.nodeSign.withoutIfmaUs === null
          ? "."
          : `, ${fmt.fixed(f.nodeSign.withoutIfmaUs / 1000, 3)} ms in Node with OpenSSL's AVX-512 IFMA code masked (OPENSSL_ia32cap; BoringSSL has no such code).`),
    );
  }
  out.push("Postgres asks for a cleartext password (as Neon's proxy does for WebSocket clients) except in the SCRAM row: see bench/lib/pg-auth.ts.");
  const unloaded = present(["jwks_c1", "validate_c1", "verify_c1", "introspect_c1", "peer_verify_c1"]);
  if (unloaded.length) {
    out.push("");
    out.push(
      table(
        [
          { title: "one request at a time (1 connection)", align: "left" },
          { title: "req/s" },
          { title: "p50 ms" },
          { title: "p99 ms" },
          { title: "CPU ms/req" },
        ],
        unloaded.map((m) => [m.label, fmt.int(m.rps), fmt.ms(m.p50), fmt.ms(m.p99), fmt.fixed(m.cpuMsPerReq, 3)]),
      ),
    );
    out.push(
      `The latency a client sees when nothing queues; the tables above keep ${CONNECTIONS} requests in flight on 2 cores, so their p50 is mostly waiting.`,
    );
  }
  out.push("");
  out.push(renderRatios(by));
  out.push("");
  if (f.paired.length) {
    out.push(renderPaired(f.paired));
    out.push("");
  }
  if (f.snapshots) out.push(...renderSnapshotCost(f.snapshots), "");
  if (f.proofs) out.push(...renderProofCost(f.proofs), "");
  if (f.outage) out.push(...renderOutage(f.outage), "");
  out.push(renderScale(by));
  out.push(
    `(${fmt.int(f.largeTable.rows)} rows = ${fmt.kib(f.largeTable.bytes)} with indexes, seeded in ${f.largeTable.seedSeconds.toFixed(1)}s; each run cycles ${KEYS_PER_RUN} keys spread over the table)`,
  );
  out.push("");
  out.push(
    table(
      [{ title: "target", align: "left" }, { title: "figure" }, { title: "target" }, { title: "result", align: "left" }],
      f.targets.map((t) => [t.name, t.figure, t.target, t.pass === null ? "n/a" : t.pass ? "PASS" : "MISS"]),
    ),
  );
  for (const t of f.targets) if (t.note) out.push(`  ${t.name}: ${t.note}`);

  const intro = by("introspect");
  if (intro && cold.introspectFirstTrips !== undefined) {
    out.push("");
    out.push(
      `Introspect and the API key's last_used_at: the first introspect (last_used_at ${f.lastUsed.before ? "older than a minute" : "NULL"}) cost ` +
        `${cold.introspectFirstTrips} PG trips (the lookup + the deferred UPDATE); the warm-up after it ${intro.warmup.pgTrips} trips for ${intro.warmup.requests} ` +
        `responses + ${CONNECTIONS} in flight; last_used_at ${f.lastUsed.after ? "set" : "still NULL"} afterwards.`,
    );
  }
  out.push(...renderHotPath(f.hotPath, by));
  if (f.failures.length) {
    out.push("", "FAILED:");
    for (const failure of f.failures) out.push(`  ${failure}`);
  }
  out.push("", `wall time ${f.wallS.toFixed(0)}s; results in bench/results/latest.json`);
  return `${out.join("\n")}\n`;
}

/** Each service run against the reference that does the same work minus the service. */
function renderRatios(by: (id: string) => Measurement | undefined): string {
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : NaN);
  const pair = (label: string, a: string, b: string) => {
    const x = by(a);
    const y = by(b);
    return [label, fmt.ratio(ratio(x?.rps, y?.rps)), fmt.ratio(ratio(x?.cpuMsPerReq, y?.cpuMsPerReq)), fmt.ratio(ratio(x?.p50, y?.p50))];
  };
  return table(
    [{ title: "ratio (service / reference)", align: "left" }, { title: "throughput" }, { title: "CPU/req" }, { title: "p50" }],
    [
      pair("jwks / hello floor", "jwks", "floor_hello"),
      pair("validate / lookup floor (1 SQL, no sign)", "validate", "floor_lookup"),
      pair("verify / verify floor (1 SQL + RS256)", "verify", "floor_verify"),
      pair("introspect / verify floor", "introspect", "floor_verify"),
      pair("verify / sign floor", "verify", "floor_sign"),
      pair("verify EdDSA / verify floor EdDSA", "verify_eddsa", "floor_verify_eddsa"),
      pair("verify EdDSA / verify RS256", "verify_eddsa", "verify"),
      pair("verify floor EdDSA / verify floor RS256", "floor_verify_eddsa", "floor_verify"),
      pair("verify / Node peer", "verify", "peer_verify"),
      ...(by("peer_verify_no_ifma") ? [pair("verify / Node peer without AVX-512 IFMA", "verify", "peer_verify_no_ifma")] : []),
      pair("verify EdDSA / Node peer EdDSA", "verify_eddsa", "peer_verify_eddsa"),
      pair("verify SCRAM auth / verify", "verify_scram", "verify"),
    ],
  );
}

/** The pairs measured again in alternating slices: each round's ratio, and their median. */
function renderPaired(paired: PairedResult[]): string {
  const rounds = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" ");
  return [
    table(
      [
        { title: `paired (${PAIRED_SLICE_S}s slices, A B / B A ...)`, align: "left" },
        { title: "rounds" },
        { title: "CPU/req median" },
        { title: "per round", align: "left" },
        { title: "throughput median" },
        { title: "per round", align: "left" },
      ],
      paired.map((p) => [
        p.id.replace("/", " / "),
        String(p.rounds),
        fmt.ratio(p.cpu.median),
        rounds(p.cpuRatios),
        fmt.ratio(p.rps.median),
        rounds(p.rpsRatios),
      ]),
    ),
    "Both servers warm and running; short slices alternate so drift over the run lands on both sides. The targets below use these medians.",
    ...metricWrites(paired),
  ].join("\n");
}

/** The metrics pairs' batched writes: Postgres trips that are no request's own. */
function metricWrites(paired: PairedResult[]): string[] {
  const lines = paired
    .filter((p) => p.b.endsWith("_metrics_off"))
    .map((p) => `${p.a} ${fmt.fixed(p.metricWritesPerK.a, 2)} with metrics on, ${fmt.fixed(p.metricWritesPerK.b, 2)} off`);
  return lines.length ? [`Recording's batched writes (metrics and activity) per 1,000 responses (not in the round trips above): ${lines.join("; ")}.`] : [];
}

/** Validate and verify at SMALL and at LARGE licenses. */
function renderScale(by: (id: string) => Measurement | undefined): string {
  const at = (n: number) => [{ title: `p50 ms @${fmt.int(n)}` }, { title: `p99 ms @${fmt.int(n)}` }];
  return table(
    [
      { title: "scale", align: "left" },
      ...at(SMALL),
      ...at(LARGE),
      { title: `req/s @${fmt.int(SMALL)}` },
      { title: `req/s @${fmt.int(LARGE)}` },
      { title: "p50 change" },
    ],
    ["validate", "verify"].map((id) => {
      const small = by(id);
      const large = by(`${id}_large`);
      return [
        `POST /v1/licenses/${id}`,
        fmt.ms(small?.p50),
        fmt.ms(small?.p99),
        fmt.ms(large?.p50),
        fmt.ms(large?.p99),
        fmt.int(small?.rps),
        fmt.int(large?.rps),
        small && large ? `${((large.p50 / small.p50 - 1) * 100).toFixed(0)}%` : "-",
      ];
    }),
  );
}
