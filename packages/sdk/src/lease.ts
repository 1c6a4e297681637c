// A floating seat held by a running app: taken once, kept alive by heartbeats at half its
// remaining life, released on `release()` or when the process or page goes away. If the service
// says the lease has ended (LEASE_EXPIRED: the app slept past its TTL, or an admin released it),
// heartbeats stop and `onLost` says so; the app may take a new seat. Network trouble between
// heartbeats is retried: the lease lives until its `expires_at` whatever happens.

/** A lease, as the service answers it. */
export interface LeaseInfo {
  id: string;
  license_id: string;
  instance_id: string;
  user: string | null;
  expires_at: string;
  last_heartbeat_at: string;
  borrowed_until: string | null;
  released_at: string | null;
  created_at: string;
}

export interface LeaseGrant {
  lease: LeaseInfo;
  license_token: string;
  license_token_expires_at: string;
}

export interface SeatRequest {
  licenseKey: string;
  /** This running copy: a process or session id (one seat each; the same id asking again extends its lease). */
  instanceId: string;
  /** `per_user` policies: who uses it (one seat per user, however many instances). The service takes the app's word for it. */
  user?: string;
  /**
   * This device's fingerprint: needed to borrow (the file is this device's machine file), and for
   * a hardware-bound license, whose seats go only to its activated devices.
   */
  fingerprint?: string;
  /** The site, for a domain-bound license. */
  domain?: string;
  /** Keep the lease alive in the background. Default true. */
  autoHeartbeat?: boolean;
  /** Time between background heartbeats. Default half the lease's remaining life, at least 15 s. */
  heartbeatIntervalMs?: number;
  /** Release the seat when the process exits or the page is hidden for good. Default true. */
  releaseOnExit?: boolean;
  /** Called when a heartbeat finds the lease gone; no more heartbeats follow. */
  onLost?: (error: unknown) => void;
  /**
   * Called with each new token (every heartbeat rotates it). A client made with `deviceKey` sends
   * proofs on every lease call, and the tokens are bound to that key: verify them with
   * `verifier.verify(token, { requireLease: true, deviceKey })`.
   */
  onToken?: (grant: LeaseGrant) => void;
}

export interface FloatingSeat {
  /** The current lease and token (updated by every heartbeat). */
  readonly current: LeaseGrant;
  /** Extends the lease now (the background heartbeats call this). */
  heartbeat(): Promise<LeaseGrant>;
  /** Frees the seat now and stops the heartbeats. Safe to call twice. */
  release(): Promise<void>;
  /**
   * Takes the seat offline until `until` (at most the policy's max_borrow_s): answers this
   * device's machine file (the request's `fingerprint` is required). Heartbeats stop; the seat
   * can be neither released nor taken again before `until`.
   */
  borrow(until: Date): Promise<{ lease: LeaseInfo; license_file: { license_file: string; expires_at: string | null } }>;
}

/** The service calls a seat needs (the client provides them, with its retries and errors). */
export interface LeaseRpc {
  acquire(): Promise<LeaseGrant>;
  heartbeat(id: string): Promise<LeaseGrant>;
  release(id: string, options?: { keepalive?: boolean }): Promise<unknown>;
  borrow(id: string, until: Date): Promise<{ lease: LeaseInfo; license_file: { license_file: string; expires_at: string | null } }>;
}

const MIN_BEAT_MS = 15_000;

type Exit = { once?: (event: string, fn: () => void) => unknown; off?: (event: string, fn: () => void) => unknown };

export async function takeSeat(rpc: LeaseRpc, request: SeatRequest): Promise<FloatingSeat> {
  let current = await rpc.acquire();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  const proc = (globalThis as { process?: Exit }).process;
  const page = globalThis as { addEventListener?: (e: string, fn: () => void) => void; removeEventListener?: (e: string, fn: () => void) => void };

  const stop = () => {
    ended = true;
    if (timer !== undefined) clearTimeout(timer);
    proc?.off?.("beforeExit", onExit);
    page.removeEventListener?.("pagehide", onPageHide);
  };
  const releaseNow = (keepalive: boolean) => {
    if (ended) return;
    stop();
    void rpc.release(current.lease.id, { keepalive }).catch(() => {});
  };
  const onExit = () => releaseNow(false);
  // The page is going away: the request must outlive it.
  const onPageHide = () => releaseNow(true);

  const schedule = () => {
    if (ended || request.autoHeartbeat === false) return;
    const remaining = Date.parse(current.lease.expires_at) - Date.now();
    timer = setTimeout(beat, request.heartbeatIntervalMs ?? Math.max(MIN_BEAT_MS, remaining / 2));
    // A pending heartbeat must not keep a finished Node process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  const beat = async () => {
    try {
      await seat.heartbeat();
    } catch (err) {
      if ((err as { code?: string }).code === "LEASE_EXPIRED" || (err as { code?: string }).code === "LEASE_NOT_FOUND") {
        stop();
        request.onLost?.(err);
        return;
      }
      // Unreachable for now: try again while the lease still lives.
    }
    schedule();
  };

  const seat: FloatingSeat = {
    get current() {
      return current;
    },
    async heartbeat() {
      current = await rpc.heartbeat(current.lease.id);
      request.onToken?.(current);
      return current;
    },
    async release() {
      if (ended) return;
      stop();
      await rpc.release(current.lease.id);
    },
    async borrow(until) {
      const out = await rpc.borrow(current.lease.id, until);
      stop();
      return out;
    },
  };

  if (request.releaseOnExit !== false) {
    proc?.once?.("beforeExit", onExit);
    page.addEventListener?.("pagehide", onPageHide);
  }
  request.onToken?.(current);
  schedule();
  return seat;
}
