// Progress on stderr, stamped with the seconds since the bench started; stdout is kept for the
// report, so it can be redirected on its own.
import { loadavg } from "node:os";

let started = performance.now();
let loadAtStart = loadavg()[0]!;

/**
 * Starts the clock (and notes the load average) once every module is loaded, so module loading
 * is not counted in the run's wall time.
 */
export function startClock(): void {
  started = performance.now();
  loadAtStart = loadavg()[0]!;
}

export const secondsSinceStart = () => (performance.now() - started) / 1000;

/** 1-min load average when the bench started: anything else running skews its figures. */
export const loadAverageAtStart = () => loadAtStart;

export const say = (msg: string) => process.stderr.write(`[bench ${secondsSinceStart().toFixed(1)}s] ${msg}\n`);
