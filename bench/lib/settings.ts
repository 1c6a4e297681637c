// The run's settings, from the command line (`npm run bench -- --quick`, `--duration S`, ...),
// and the constants every part of the bench shares. Read once, when the bench starts.
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The repository root: the service, its wrangler.toml and node_modules. */
export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const RESULTS = join(ROOT, "bench/results/latest.json");
/** Token issuer and `token_use` for every worker and the peer, so their tokens are comparable. */
export const ISSUER = "https://license.bench";
export const TOKEN_USE = "licensechain_license_v1";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    large: { type: "string" },
    profile: { type: "boolean", default: false },
    miniflare: { type: "boolean", default: false },
  },
});
export const QUICK = flags.quick === true;
export const DURATION_S = Number(flags.duration ?? (QUICK ? 2 : 7));
export const WARMUP_S = Number(flags.warmup ?? (QUICK ? 0.5 : 1.5));
export const CONNECTIONS = Number(flags.connections ?? 16);
export const SMALL = 1_000;
export const LARGE = Number(flags.large ?? (QUICK ? 100_000 : 1_000_000));
/** Run the workers through Miniflare instead of bare workerd (to see what its extra workers cost). */
export const MINIFLARE = flags.miniflare === true;
/** Also sample workerd with V8's profiler under load (slow, distorting; for finding hot spots). */
export const PROFILE = flags.profile === true;
/** Alternating rounds, and the length of each slice, for the targets that compare two runs. */
export const PAIRED_ROUNDS = QUICK ? 2 : 4;
export const PAIRED_SLICE_S = QUICK ? 1 : 1.5;
/**
 * Rounds for metrics on vs off: a cost of a few percent is smaller than one slice's noise, so
 * it takes more rounds than the other pairs for the median to say anything.
 */
export const METRICS_ROUNDS = QUICK ? 4 : 8;
/** Length of the one-connection runs (latency with no queue). */
export const UNLOADED_S = QUICK ? 1 : 2;
/**
 * Hard stop for the whole run: it must end by itself, whatever happens. Custom run lengths get the
 * fixed work (the outage and the snapshots' first pass included) plus 18 runs' worth of warm-up,
 * duration and settling, the paired slices (metrics and snapshots on/off included, each pair
 * warmed) and the one-connection runs.
 */
export const DEADLINE_S =
  flags.duration !== undefined || flags.warmup !== undefined
    ? 220 +
      18 * (WARMUP_S + DURATION_S + 1.5) +
      (4 * PAIRED_ROUNDS + 4 * METRICS_ROUNDS) * 2 * (PAIRED_SLICE_S + 0.5) +
      2 * (WARMUP_S + 0.5) +
      5 * (UNLOADED_S + 0.5)
    : QUICK
      ? 300
      : 540;
/** Keys each load run cycles through (spread over the whole table). */
export const KEYS_PER_RUN = 1_000;
