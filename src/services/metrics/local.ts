// The local metrics store: Postgres rollups per minute, for `npm run dev`, the tests and
// deployments without Workers Analytics Engine (Miniflare's binding discards writes and has no
// SQL). Points are added up in the isolate and written in batches after responses: at most one
// upsert every few seconds or every thousand points, and on the scheduled tick, never one write
// per request. A crash loses at most those few seconds of counts; a failed write keeps them for
// the next one.
import { type MetricPoint, VALIDATION_EVENTS } from "../../contract/metrics";
import type { MetricsReader, MetricsSink } from "../../contract/metrics-store";
import type { Queryable, RowsFn } from "../../db/client";
import { addRollups, type Rollup, rollupActivity, rollupSeries, rollupTopLicenses, rollupTotals } from "../../db/repositories/metrics";

/** Write at most this often... */
export const FLUSH_INTERVAL_MS = 5_000;
/**
 * ...unless this many points are waiting. Points add up into one row per minute and subject, so a
 * batch stays small; at a thousand requests a second this is about one write per thousand.
 */
export const FLUSH_EVERY = 1_000;
/** Beyond this many distinct rollups waiting (a write failing for long), the oldest counts are dropped. */
const MAX_PENDING_ROLLUPS = 10_000;

// One buffer per isolate: it outlives requests, which is the point.
const pending = new Map<string, Rollup>();
let pendingPoints = 0;
let lastFlush = 0;
let inFlight: Promise<void> | undefined;

const minuteOf = (at: Date) => new Date(Math.floor(at.getTime() / 60_000) * 60_000);

function add(rollup: Rollup): void {
  const key = [
    rollup.tenantId,
    rollup.minute.getTime(),
    rollup.event,
    rollup.code,
    rollup.applicationId,
    rollup.policyId,
    rollup.licenseId,
    rollup.colo,
    rollup.country,
  ].join("\u0000");
  const current = pending.get(key);
  if (current) {
    current.count += rollup.count;
    current.durationMsSum += rollup.durationMsSum;
  } else if (pending.size < MAX_PENDING_ROLLUPS) {
    pending.set(key, rollup);
  }
}

/** Everything waiting, written in one batch; on failure the counts wait for the next one. */
async function writePending(rows: RowsFn, log: (msg: string, error: unknown) => void): Promise<void> {
  if (pending.size === 0) return;
  const batch = [...pending.values()];
  pending.clear();
  pendingPoints = 0;
  lastFlush = Date.now();
  try {
    await addRollups(rows, batch);
  } catch (err) {
    for (const rollup of batch) add(rollup);
    log("metrics flush failed; counts kept for the next one", err);
  }
}

/** Points waiting in this isolate (tests and the bench read it). */
export const pendingMetricPoints = () => pendingPoints;

export function localMetricsSink(rows: () => RowsFn, log: (msg: string, error: unknown) => void): MetricsSink {
  const flush = async (): Promise<void> => {
    // A write under way has taken its batch: wait for it, so a flush returns only when every
    // point recorded before it is stored.
    while (inFlight) await inFlight;
    inFlight = writePending(rows(), log).finally(() => {
      inFlight = undefined;
    });
    await inFlight;
  };
  return {
    record(point: MetricPoint) {
      add({
        tenantId: point.tenantId,
        minute: minuteOf(point.at),
        event: point.event,
        code: point.code,
        applicationId: point.applicationId,
        policyId: point.policyId,
        licenseId: point.licenseId,
        colo: point.colo,
        country: point.country,
        count: 1,
        durationMsSum: Math.round(point.durationMs),
      });
      pendingPoints++;
      const due = pendingPoints >= FLUSH_EVERY || Date.now() - lastFlush >= FLUSH_INTERVAL_MS;
      return due && !inFlight ? flush() : Promise.resolve();
    },
    flush,
  };
}

export function localMetricsReader(db: () => Queryable): MetricsReader {
  return {
    series: (q) => rollupSeries(db(), q),
    totals: (q) => rollupTotals(db(), q),
    topLicenses: (q) => rollupTopLicenses(db(), { ...q, events: VALIDATION_EVENTS, failuresOnly: q.metric === "failures" }),
    activity: (from, to) => rollupActivity(db(), { validationEvents: VALIDATION_EVENTS, from, to }),
  };
}
