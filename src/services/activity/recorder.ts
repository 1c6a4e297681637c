// Turns a finished request's activity draft into the event the store keeps, after the response:
// the fingerprint becomes a short prefix of its SHA-256, the address its /24 or /48 network (or
// nothing), the domain its canonical form. Never throws: activity must not fail a request.
import { type ActivityDraft, type ActivityEvent, type ActivityIpMode, type ActivitySink, FINGERPRINT_PREFIX_HEX } from "../../contract/activity";
import { ID_PREFIXES } from "../../contract/ids";
import { sha256Hex } from "../../crypto/hash";
import { randomBase58 } from "../../crypto/random";
import { canonicalDomain, networkOf } from "../binding";

/**
 * `evt_` + the time in ms as 9 base-36 digits + 14 random base58 characters: ids sort (byte order)
 * as their events happened, so the last id of a page is the cursor of the next in both stores.
 */
export const activityEventId = (at: Date) => `${ID_PREFIXES.activityEvent}_${at.getTime().toString(36).padStart(9, "0")}${randomBase58(14)}`;

export async function finishActivity(draft: ActivityDraft, ipMode: ActivityIpMode): Promise<ActivityEvent> {
  const { fingerprint, clientIp, ...rest } = draft;
  return {
    ...rest,
    id: activityEventId(draft.at),
    domain: draft.domain ? (canonicalDomain(draft.domain) ?? draft.domain.slice(0, 253)) : "",
    fingerprintPrefix: fingerprint ? (await sha256Hex(fingerprint)).slice(0, FINGERPRINT_PREFIX_HEX) : "",
    network: ipMode === "network" ? (networkOf(clientIp) ?? "") : "",
  };
}

// Drafts being finished in this isolate: a reader waits for them (with the sink's flush), so an
// event recorded before a read is in that read.
const finishing = new Set<Promise<void>>();

export const settleActivity = async (): Promise<void> => {
  while (finishing.size > 0) await Promise.all(finishing);
};

export function activityRecorder(sink: ActivitySink, ipMode: ActivityIpMode, log: (msg: string, error: unknown) => void) {
  return (draft: ActivityDraft): Promise<void> => {
    const work = finishActivity(draft, ipMode)
      .then((event) => sink.record(event))
      .catch((err) => log("activity not recorded", err))
      .finally(() => finishing.delete(work));
    finishing.add(work);
    return work;
  };
}
