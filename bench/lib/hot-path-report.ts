// The hot-path part of the report: the probe's CPU per call, the probe cases' profiles by package,
// a few findings derived from the runs and the probe, and (--profile) the service's own profile.
import { fmt, table } from "./format.ts";
import type { HotPath } from "./hot-path.ts";
import type { Measurement } from "./measure.ts";
import type { ProbeResult } from "./probe-runner.ts";
import type { ProfileSummary } from "./profile.ts";

/** The hot-path sections of the report, each after a blank line; none when nothing was measured. */
export function renderHotPath(hot: HotPath, by: (id: string) => Measurement | undefined): string[] {
  const out: string[] = [];
  const probeLines = renderProbe(hot.probe);
  if (probeLines.length) out.push("", ...probeLines);
  const probeProfileLines = renderProbeProfiles(hot.probeProfiles);
  if (probeProfileLines.length) out.push("", ...probeProfileLines);
  out.push(...renderDerived(by, hot.probe, hot.probeProfiles));
  const profileLines = renderProfiles(hot.profiles);
  if (profileLines.length) out.push("", ...profileLines);
  return out;
}

function renderProbe(probe: ProbeResult[]): string[] {
  if (probe.length === 0) return [];
  return [
    "Hot path inside workerd, CPU per call with no network I/O (DB results recorded once, then replayed; bench/probe):",
    table(
      [{ title: "piece of the request path", align: "left" }, { title: "us/call" }, { title: "calls" }],
      probe.map((p) => [p.label, p.error ? `failed: ${p.error.slice(0, 60)}` : fmt.fixed(p.us, p.us < 10 ? 2 : 1), fmt.int(p.n)]),
    ),
  ];
}

function renderProbeProfiles(profiles: Record<string, ProfileSummary>): string[] {
  const ids = Object.keys(profiles);
  if (ids.length === 0) return [];
  return [
    "Same cases under V8's sampling profiler (self time by package; the profiler's own overhead inflates the totals):",
    ...ids.map((id) => {
      const p = profiles[id]!;
      const parts = p.packages.slice(0, 7).map((e) => `${e.name} ${fmt.pct(e.share)}`);
      return `  ${id.replace(/^app_/, "").padEnd(10)} ${fmt.fixed(p.sampledMsPerReq * 1000, 0).padStart(5)} us sampled: ${parts.join(", ")}`;
    }),
  ];
}

/** A few figures derived from the runs and the probe, so the tables read as findings. */
function renderDerived(by: (id: string) => Measurement | undefined, probe: ProbeResult[], probeProfiles: Record<string, ProfileSummary>): string[] {
  const us = (name: string) => probe.find((p) => p.name === name && !p.error)?.us;
  const lines: string[] = [];
  const ok = (...xs: (number | undefined)[]) => xs.every((x) => x !== undefined && Number.isFinite(x));
  const lookup = by("floor_lookup");
  const fl = us("floor_lookup");
  if (lookup && ok(fl)) {
    lines.push(
      `- Per DB request, workerd spends ${fmt.fixed(lookup.cpuMsPerReq - fl! / 1000, 2)} ms outside any handler JS (the request and the query's fetch ` +
        `to the /sql endpoint): lookup floor under load ${fmt.fixed(lookup.cpuMsPerReq, 3)} ms/req vs ${fmt.fixed(fl, 0)} us for its logic. ` +
        `Postgres adds ${fmt.fixed(lookup.pgCpuMsPerReq, 2)} ms/req, the relay and its /sql endpoint ${fmt.fixed(lookup.benchCpuMsPerReq, 2)} ms/req.`,
    );
  }
  const av = us("app_validate");
  const aver = us("app_verify");
  const fv = us("floor_verify");
  if (ok(av, fl, aver, fv)) {
    lines.push(
      `- Service JS beyond the floors' logic, per request: validate +${fmt.fixed(av! - fl!, 0)} us (${fmt.fixed(av, 0)} vs ${fmt.fixed(fl, 0)}), ` +
        `verify +${fmt.fixed(aver! - fv!, 0)} us (${fmt.fixed(aver, 0)} vs ${fmt.fixed(fv, 0)}).`,
    );
  }
  const mk = us("app_validate_malformed_key");
  const dbPath = us("db_path_per_request");
  const withSchema = us("drizzle_with_schema");
  const lookupQuery = us("license_lookup_query");
  const drizzleShare = probeProfiles.app_validate?.packages.find((e) => e.name === "drizzle-orm")?.share;
  if (ok(av, mk, dbPath, withSchema, lookupQuery)) {
    lines.push(
      `  validate's ${fmt.fixed(av, 0)} us: the malformed-key path (Hono stack, body parse + zod, response) ${fmt.fixed(mk, 0)} us; the per-request data path ` +
        `${fmt.fixed(dbPath, 0)} us (the lookup's fixed SQL + row mapping ${fmt.fixed(lookupQuery, 0)} us; drizzle({ schema }), no longer used, would add ${fmt.fixed(withSchema, 0)} us)` +
        (drizzleShare !== undefined ? `; drizzle-orm's own code is ${fmt.pct(drizzleShare)} of validate's profile` : "") +
        "; the rest is spread thin over request/response handling and GC.",
    );
  }
  const rs = us("issue_token");
  const ed = us("issue_token_eddsa");
  const verify = by("verify");
  const verifyEd = by("verify_eddsa");
  const floorRs = by("floor_verify");
  const floorEd = by("floor_verify_eddsa");
  if (ok(rs, ed) && verify && verifyEd) {
    lines.push(
      `- One token costs ${fmt.fixed(rs, 0)} us with RS256 and ${fmt.fixed(ed, 0)} us with EdDSA (${fmt.pct(ed! / rs!)}); under load EdDSA verify uses ` +
        `${fmt.pct(verifyEd.cpuMsPerReq / verify.cpuMsPerReq)} of RS256's CPU/req, because the request and the query's fetch cost the same for both` +
        (floorRs && floorEd ? `; the verify floor alone, with no middleware or validation, gets ${fmt.pct(floorEd.cpuMsPerReq / floorRs.cpuMsPerReq)}.` : "."),
    );
  }
  const jwks = us("app_jwks");
  const etag = us("etag_sha1_jwks");
  const healthz = us("app_healthz");
  if (ok(jwks, etag, healthz)) {
    lines.push(
      `- JWKS: ${fmt.fixed(jwks, 0)} us in-process on its fast path (no middleware; the headers the full stack gave the first plain GET), where the ` +
        `middleware stack alone costs ${fmt.fixed(healthz, 0)} us (/healthz) and etag() hashing the body per request would add ${fmt.fixed(etag, 0)} us.`,
    );
  }
  const info = us("log_line_info");
  const warn = us("log_line_warn");
  if (ok(info, warn)) {
    lines.push(`- Request log line: ${fmt.fixed(warn, 2)} us at LOG_LEVEL=warn, ${fmt.fixed(info, 1)} us + the write at info (wrangler.toml's default).`);
  }
  return lines.length ? ["", "Reading it:", ...lines] : [];
}

function renderProfiles(profiles: Record<string, ProfileSummary>): string[] {
  const ids = Object.keys(profiles);
  if (ids.length === 0) return [];
  const lines = ["Where workerd's CPU goes (V8 sampling profiler on a separate, profiled instance: shares of the isolate's sampled time, per request in us):"];
  for (const id of ids) {
    const p = profiles[id]!;
    lines.push("");
    lines.push(`${id}: ${fmt.int(p.requests)} requests, ${fmt.fixed(p.sampledMsPerReq * 1000, 0)} us sampled JS-thread time/req (idle excluded)`);
    lines.push(
      table(
        [{ title: "  module / function", align: "left" }, { title: "share" }, { title: "us/req" }],
        p.top.map((e) => [`  ${e.name}`, fmt.pct(e.share), fmt.fixed(e.usPerReq, 1)]),
      ),
    );
  }
  return lines;
}
