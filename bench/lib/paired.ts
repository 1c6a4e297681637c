// The targets that compare two runs, measured again as pairs. In the main runs the floors go a
// minute or two before the service, and on a shared 2-core machine the cost of a request drifts by
// ~10% over that (full runs put JWKS/hello anywhere from 1.33x to 1.60x). Here both servers are
// warm and running, and short slices alternate A B, B A, A B ..., so slow drift lands on both
// sides alike; each round gives one ratio, and the figure is their median, printed with the range.
import { fmt } from "./format.ts";
import { say } from "./log.ts";
import { type MeasureContext, type Measurement, median, type RunSpec, sample } from "./measure.ts";

/** The ratio is a's figure over b's; the pair is named "<a id>/<b id>". */
export interface PairSpec {
  a: RunSpec;
  b: RunSpec;
}

export interface PairedResult {
  id: string;
  a: string;
  b: string;
  sliceS: number;
  rounds: number;
  /** Per round: a's figure over b's. */
  cpuRatios: number[];
  rpsRatios: number[];
  cpu: Spread;
  rps: Spread;
  /** The usage metrics' batched writes per 1,000 responses over all of each side's slices. */
  metricWritesPerK: { a: number | null; b: number | null };
  /** Each side's Postgres round trips over all its slices (null for a server not behind the relay). */
  trips: { a: Trips | null; b: Trips | null };
}

/** Round trips made for requests (the metrics' batched writes left out), with the responses and requests sent. */
export interface Trips {
  trips: number;
  responses: number;
  sent: number;
}

/** Exactly one round trip per request: at least one per response, at most one per request sent. */
export const oneTripEach = (t: Trips) => t.trips >= t.responses && t.trips <= t.sent;

export interface Spread {
  median: number;
  min: number;
  max: number;
}

const spread = (xs: number[]): Spread => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** Metric writes, round trips, responses and requests sent, summed over slices. */
class Tally {
  #writes = 0;
  #trips = 0;
  #responses = 0;
  #sent = 0;
  #counted = true;
  add(m: Measurement): void {
    if (m.metricWrites === null || m.pgTrips === null) this.#counted = false;
    this.#writes += m.metricWrites ?? 0;
    this.#trips += m.pgTrips ?? 0;
    this.#responses += m.requests;
    this.#sent += m.sent;
  }
  perK(): number | null {
    return this.#counted && this.#responses > 0 ? (this.#writes * 1000) / this.#responses : null;
  }
  trips(): Trips | null {
    return this.#counted ? { trips: this.#trips, responses: this.#responses, sent: this.#sent } : null;
  }
}

export async function measurePair(ctx: MeasureContext, pair: PairSpec, rounds: number, sliceS: number): Promise<PairedResult> {
  const id = `${pair.a.id}/${pair.b.id}`;
  say(`paired: ${pair.a.label} vs ${pair.b.label}, ${rounds} rounds of ${sliceS}s slices, alternating`);
  const cpuRatios: number[] = [];
  const rpsRatios: number[] = [];
  const tally = { a: new Tally(), b: new Tally() };
  for (let round = 0; round < rounds; round++) {
    let a: Measurement;
    let b: Measurement;
    if (round % 2 === 0) {
      a = await sample(ctx, pair.a, sliceS);
      b = await sample(ctx, pair.b, sliceS);
    } else {
      b = await sample(ctx, pair.b, sliceS);
      a = await sample(ctx, pair.a, sliceS);
    }
    for (const m of [a, b]) {
      const bad = m.errors + m.timeouts + m.non2xx;
      if (bad) throw new Error(`${m.label}: ${bad} failed requests in a paired slice`);
    }
    tally.a.add(a);
    tally.b.add(b);
    cpuRatios.push(a.cpuMsPerReq / b.cpuMsPerReq);
    rpsRatios.push(a.rps / b.rps);
  }
  const result: PairedResult = {
    id,
    a: pair.a.id,
    b: pair.b.id,
    sliceS,
    rounds,
    cpuRatios,
    rpsRatios,
    cpu: spread(cpuRatios),
    rps: spread(rpsRatios),
    metricWritesPerK: { a: tally.a.perK(), b: tally.b.perK() },
    trips: { a: tally.a.trips(), b: tally.b.trips() },
  };
  say(`  CPU/req ${fmt.ratio(result.cpu.median)} (${fmt.ratio(result.cpu.min)}-${fmt.ratio(result.cpu.max)}), throughput ${fmt.ratio(result.rps.median)}`);
  return result;
}
