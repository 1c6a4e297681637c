// Degraded answers: while Postgres is unreachable, validate, verify and validate-hardware may
// still say VALID for a license the edge saw valid a moment ago, so installed apps are not locked
// out by our outage. After each live VALID answer a snapshot is kept in the colo's Cache API,
// keyed by a hash of the request (never the key itself); during an outage it is served only if
// its age is within the policy's `degraded_grace_s`, the license has not expired since, the KV
// edge cache does not mark the license suspended or revoked, and neither the license (status,
// expiry, binding, a released device) nor its policy changed after the snapshot was taken: every
// committed change marks them at the edge (services/changes.ts), so a degraded answer is never
// more permissive than the last committed state. Anything else is a 503, never `valid: false`
// (the edge cannot know) and never `valid: true` for a request it has not seen valid.
import { MAX_TOKEN_LIFETIME_S } from "../contract/tokens";
import { sha256Hex } from "../crypto/hash";
import type { LicenseRecord } from "../db/repositories/licenses";
import { unavailable } from "../errors";
import { type LicenseCheck, validationRequest } from "./license-check";
import { type Degraded, evaluateLicense, type Validation } from "./license-validation";

/**
 * A snapshot this isolate wrote less than this long ago is not written again: a quarter of the
 * policy's grace, at most 15 minutes. A busy device costs a few writes an hour per isolate, and an
 * outage still finds a snapshot with most of its grace left.
 */
export const snapshotFreshMs = (graceS: number) => Math.min(graceS * 250, 15 * 60_000);
/** Degraded tokens live at most this long (and never past the snapshot's grace). */
export const DEGRADED_TOKEN_MAX_S = 15 * 60;

/** The KV key holding a license's suspension or revocation for degraded answers to honour. */
export const kvLicenseStatusKey = (licenseId: string) => `license-status:${licenseId}`;
/** When a license last changed (epoch ms): snapshots taken before it are not served. */
export const kvLicenseChangedKey = (licenseId: string) => `license-changed:${licenseId}`;
/** When a policy last changed (epoch ms): snapshots of its licenses taken before it are not served. */
export const kvPolicyChangedKey = (policyId: string) => `policy-changed:${policyId}`;
/** Change marks outlive every snapshot they could concern (the longest grace is 7 days). */
const CHANGE_MARK_TTL_S = 8 * 86_400;

/** The shape of the snapshots this code writes and reads; older ones are ignored. */
const SNAPSHOT_VERSION = 3;

export interface Snapshot {
  v: typeof SNAPSHOT_VERSION;
  /** When the live check answered VALID (epoch ms). */
  at: number;
  graceS: number;
  hwBound: boolean;
  license: LicenseRecord;
}

/** Where snapshots live: the colo's Cache API in production (see `cacheSnapshots`). */
export interface SnapshotStore {
  get(key: string): Promise<Snapshot | undefined>;
  put(key: string, snapshot: Snapshot, ttlS: number): Promise<void>;
}

type Request = Omit<LicenseCheck, "now">;

/** A request's snapshot identity: what it asked, hashed, so the key never sits in a cache key. */
const snapshotKey = (r: Request) =>
  sha256Hex(JSON.stringify([r.requireDevice ? "device" : "license", r.licenseKey, r.fingerprint ?? null, r.domain ?? null, r.applicationId ?? null]));

/** What this isolate wrote last, by license and device (no key material), so most requests write nothing. */
const written = new Map<string, number>();
const MAX_WRITTEN = 10_000;

const URL_PREFIX = "https://license-snapshots.invalid/v1/";

/**
 * Snapshots in the Cache API (data-center local; a no-op on workers.dev, see README "Availability").
 * The cache is looked up only when a snapshot is read or written, not on every request.
 */
export function cacheSnapshots(cache: () => Cache): SnapshotStore {
  return {
    async get(key) {
      const hit = await cache().match(URL_PREFIX + key);
      if (!hit) return undefined;
      const raw = (await hit.json()) as Snapshot & { license: LicenseRecord & { expiresAt: string | null } };
      if (raw?.v !== SNAPSHOT_VERSION) return undefined;
      return { ...raw, license: reviveLicense(raw.license) };
    },
    put: (key, snapshot, ttlS) =>
      cache().put(
        URL_PREFIX + key,
        new Response(JSON.stringify(snapshot), { headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${ttlS}` } }),
      ),
  };
}

function reviveLicense(raw: LicenseRecord & { expiresAt: unknown }): LicenseRecord {
  const date = (v: unknown) => (typeof v === "string" ? new Date(v) : null);
  const device = (d: { id: string | null; lastHeartbeatAt: unknown; jkt?: string | null } | null) =>
    d ? { id: d.id, lastHeartbeatAt: date(d.lastHeartbeatAt), jkt: d.jkt ?? null } : null;
  return { ...raw, expiresAt: date(raw.expiresAt), device: device(raw.device), domainDevice: device(raw.domainDevice) };
}

/** A license's suspension or revocation at the edge, for degraded answers; active clears it. */
export async function setEdgeLicenseStatus(kv: KVNamespace, licenseId: string, status: string): Promise<void> {
  if (status === "active") await kv.delete(kvLicenseStatusKey(licenseId));
  else await kv.put(kvLicenseStatusKey(licenseId), status);
}

/** After a commit: the licenses (with their new status, when it changed) and policies that changed, marked now. */
export async function markEdgeChanged(kv: KVNamespace, changed: { licenses: Map<string, string | undefined>; policies: Set<string> }): Promise<void> {
  const at = String(Date.now());
  const writes: Promise<void>[] = [];
  for (const [licenseId, status] of changed.licenses) {
    writes.push(kv.put(kvLicenseChangedKey(licenseId), at, { expirationTtl: CHANGE_MARK_TTL_S }));
    if (status !== undefined) writes.push(setEdgeLicenseStatus(kv, licenseId, status));
  }
  for (const policyId of changed.policies) writes.push(kv.put(kvPolicyChangedKey(policyId), at, { expirationTtl: CHANGE_MARK_TTL_S }));
  await Promise.all(writes);
}

export function degradedAnswers(deps: { snapshots: SnapshotStore; kv: KVNamespace; defer: (work: Promise<unknown>) => void }) {
  return {
    /** After a live answer: keeps a VALID one for outages (after the response, and seldom: see snapshotFreshMs). */
    remember(request: Request, result: Validation, now: Date): void {
      if (!result.valid || result.degraded || result.license.policy.degradedGraceS <= 0) return;
      const license = result.license;
      const mark = [
        request.requireDevice ? "device" : "license",
        license.id,
        request.fingerprint ?? "",
        request.domain ?? "",
        request.applicationId ?? "",
      ].join("\u0000");
      const last = written.get(mark);
      if (last !== undefined && now.getTime() - last < snapshotFreshMs(license.policy.degradedGraceS)) return;
      if (written.size >= MAX_WRITTEN) written.clear();
      written.set(mark, now.getTime());
      const graceS = license.policy.degradedGraceS;
      const snapshot: Snapshot = { v: SNAPSHOT_VERSION, at: now.getTime(), graceS, hwBound: result.hwBound, license };
      deps.defer(snapshotKey(request).then((key) => deps.snapshots.put(key, snapshot, graceS)));
    },

    /**
     * During an outage (`cause`): the last live VALID answer for exactly this request, if it may
     * still be given, else the 503 the outage is.
     */
    async answer(request: Request, now: Date, cause: unknown): Promise<Validation & { valid: true; degraded: Degraded }> {
      let snapshot: Snapshot | undefined;
      let marks: (string | null)[] = [];
      try {
        snapshot = await deps.snapshots.get(await snapshotKey(request));
        if (snapshot) {
          const { id, policyId } = snapshot.license;
          marks = await Promise.all([kvLicenseStatusKey(id), kvLicenseChangedKey(id), kvPolicyChangedKey(policyId)].map((key) => deps.kv.get(key)));
        }
      } catch {
        throw unavailable(cause);
      }
      if (!snapshot) throw unavailable(cause);
      const [status, licenseChanged, policyChanged] = marks;
      // Suspended or revoked at the edge, or changed since the snapshot: the edge cannot say what is true now.
      const changedSince = (mark: string | null | undefined) => mark != null && Number(mark) >= snapshot.at;
      if (status !== null || changedSince(licenseChanged) || changedSince(policyChanged)) throw unavailable(cause);
      const until = snapshot.at + snapshot.graceS * 1000;
      if (snapshot.graceS <= 0 || now.getTime() > until) throw unavailable(cause);
      // The snapshot judged again as of now: an expiry, a heartbeat or an IP allowlist that no
      // longer passes makes it unusable (a 503, as the edge cannot know what changed).
      const evaluated = evaluateLicense(snapshot.license, validationRequest({ ...request, now }));
      if (!evaluated.valid) throw unavailable(cause);
      return { ...evaluated, hwBound: snapshot.hwBound, degraded: { since: new Date(snapshot.at), until: new Date(until) } };
    },
  };
}

/** A degraded token's lifetime: short, and never past the snapshot's grace. */
export function degradedTokenLifetimeS(degraded: Degraded, now: Date): number {
  const left = Math.floor((degraded.until.getTime() - now.getTime()) / 1000);
  return Math.max(1, Math.min(DEGRADED_TOKEN_MAX_S, left, MAX_TOKEN_LIFETIME_S));
}
