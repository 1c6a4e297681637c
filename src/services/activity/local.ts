// The local activity store: events buffered in the isolate and inserted in batches after
// responses (at most one insert every FLUSH_INTERVAL_MS or every FLUSH_EVERY events, and on the
// scheduled tick), never one write per request. A crash loses at most those seconds of events; a
// failed write keeps them for the next one, up to MAX_PENDING.
import type { ActivityEvent, ActivityReader, ActivitySink } from "../../contract/activity";
import type { RowsFn } from "../../db/client";
import { insertActivity, listActivity } from "../../db/repositories/activity";

export const FLUSH_INTERVAL_MS = 2_000;
export const FLUSH_EVERY = 200;
/** Beyond this many events waiting (a write failing for long), the oldest are dropped. */
const MAX_PENDING = 5_000;

// One buffer per isolate: it outlives requests, which is the point.
let pending: ActivityEvent[] = [];
let lastFlush = 0;
let inFlight: Promise<void> | undefined;

async function writePending(rows: RowsFn, log: (msg: string, error: unknown) => void): Promise<void> {
  if (pending.length === 0) return;
  const batch = pending;
  pending = [];
  lastFlush = Date.now();
  try {
    await insertActivity(rows, batch);
  } catch (err) {
    pending = [...batch, ...pending].slice(-MAX_PENDING);
    log("activity flush failed; events kept for the next one", err);
  }
}

/** Events waiting in this isolate (tests read it). */
export const pendingActivity = () => pending.length;

export function localActivitySink(rows: () => RowsFn, log: (msg: string, error: unknown) => void): ActivitySink {
  const flush = async (): Promise<void> => {
    // A write under way has taken its batch: wait for it, so a flush returns only when every
    // event recorded before it is stored.
    while (inFlight) await inFlight;
    inFlight = writePending(rows(), log).finally(() => {
      inFlight = undefined;
    });
    await inFlight;
  };
  return {
    record(event) {
      pending.push(event);
      if (pending.length > MAX_PENDING) pending.shift();
      const due = pending.length >= FLUSH_EVERY || Date.now() - lastFlush >= FLUSH_INTERVAL_MS;
      return due && !inFlight ? flush() : Promise.resolve();
    },
    flush,
  };
}

export const localActivityReader = (rows: () => RowsFn): ActivityReader => ({ list: (q) => listActivity(rows(), q) });
