// The (#7) performance targets, judged from the runs: printed as PASS/MISS beside their
// figures, never asserted (figures on a shared 2-core machine are evidence, not a gate).
import { fmt } from "./format.ts";
import type { Measurement } from "./measure.ts";
import { LARGE, SMALL } from "./settings.ts";

export interface Target {
  name: string;
  figure: string;
  target: string;
  /** null when a run it needs is missing. */
  pass: boolean | null;
  note?: string;
}

type Find = (id: string) => Measurement | undefined;

/** A target comparing two runs; "-" and no verdict when either is missing. */
function versus(
  name: string,
  target: string,
  a: Measurement | undefined,
  b: Measurement | undefined,
  figure: (a: Measurement, b: Measurement) => string,
  pass: (a: Measurement, b: Measurement) => boolean,
): Target {
  return a && b ? { name, figure: figure(a, b), target, pass: pass(a, b) } : { name, figure: "-", target, pass: null };
}

export function buildTargets(by: Find): Target[] {
  const verify = by("verify");
  const floor = by("floor_verify");
  const hello = by("floor_hello");
  const jwks = by("jwks");
  const t: Target[] = [
    versus("verify throughput vs verify floor", ">= 85%", verify, floor, (v, f) => fmt.pct(v.rps / f.rps), (v, f) => v.rps >= 0.85 * f.rps),
    versus("verify CPU/req vs verify floor", "<= 1.20x", verify, floor, (v, f) => fmt.ratio(v.cpuMsPerReq / f.cpuMsPerReq), (v, f) => v.cpuMsPerReq <= 1.2 * f.cpuMsPerReq),
  ];
  for (const id of ["validate", "verify", "introspect"]) {
    const m = by(id);
    // Exactly one per response, allowing only the requests still in flight when the run stopped
    // (sent but not answered: their query may already have gone out).
    const inFlight = m ? m.sent - m.requests : 0;
    t.push({
      name: `${id}: Postgres round trips/req`,
      figure: m?.pgTrips != null ? `${fmt.fixed(m.pgTripsPerReq, 3)} (${m.pgTrips} for ${m.requests}+${inFlight})` : "-",
      target: "exactly 1",
      pass: m?.pgTrips != null ? m.pgTrips >= m.requests && m.pgTrips <= m.requests + inFlight : null,
      note: m?.pgTrips != null && (m.pgTrips < m.requests || m.pgTrips > m.requests + inFlight) ? `${m.pgTrips} trips for ${m.requests} responses (+${inFlight} in flight at the stop)` : undefined,
    });
  }
  t.push(
    {
      name: "jwks: Postgres round trips/req",
      figure: jwks?.pgTrips != null ? `${fmt.fixed(jwks.pgTripsPerReq, 3)} (${jwks.pgTrips})` : "-",
      target: "0",
      pass: jwks?.pgTrips != null ? jwks.pgTrips === 0 : null,
    },
    versus("jwks CPU/req vs hello floor", "<= 1.50x", jwks, hello, (j, h) => fmt.ratio(j.cpuMsPerReq / h.cpuMsPerReq), (j, h) => j.cpuMsPerReq <= 1.5 * h.cpuMsPerReq),
    versus("verify CPU/req EdDSA vs RS256", "<= 40%", by("verify_eddsa"), verify, (e, v) => fmt.pct(e.cpuMsPerReq / v.cpuMsPerReq), (e, v) => e.cpuMsPerReq <= 0.4 * v.cpuMsPerReq),
    versus(
      `verify p50 at ${fmt.int(LARGE)} vs ${fmt.int(SMALL)} licenses`,
      "within 20%",
      by("verify_large"),
      verify,
      (l, s) => `${fmt.ms(l.p50)} vs ${fmt.ms(s.p50)} ms (${((l.p50 / s.p50 - 1) * 100).toFixed(0)}%)`,
      (l, s) => Math.abs(l.p50 / s.p50 - 1) <= 0.2,
    ),
    versus("verify throughput vs Node peer", ">= peer", verify, by("peer_verify"), (v, p) => `${fmt.int(v.rps)} vs ${fmt.int(p.rps)} req/s`, (v, p) => v.rps >= p.rps),
  );
  return t;
}
