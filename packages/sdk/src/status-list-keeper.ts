// Keeping a license's status list on a device that is online only now and then: fetch it when the
// service can be reached, keep the newest valid one seen (by `iat`), and hand the kept one to
// verifyLicenseFile when it cannot. A list that fails to verify is never kept, and the app hears
// of it: a list signed by a key its pinned set lacks (a rotation the app was not updated for)
// would otherwise leave it holding an ever older list while revocations stop reaching it.
import type { JSONWebKeySet } from "jose";
import type { StatusListInvalid } from "./errors.js";
import { requireAudience, verifyStatusList } from "./license-file.js";

/** Where the kept list lives between runs (a file, the keychain...): the app decides. */
export interface StatusListStore {
  get(): Promise<string | null> | string | null;
  set(token: string): Promise<void> | void;
}

export interface StatusListKeeperOptions {
  /** The pinned key set the list must be signed by. */
  jwks: JSONWebKeySet;
  /** Required: your application id (or tenant id): the list must name it in its `aud`. */
  audience: string;
  /** The list's URI: the `status.status_list.uri` of the app's license file. */
  uri: string;
  store: StatusListStore;
  /** Per fetch, in ms. Default 5,000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * Called when the service answered a list that does not verify here: most often a list signed
   * by a key the pinned set lacks (update the app's pinned keys), else a list of another seller.
   */
  onUnverifiable?: (error: StatusListInvalid) => void;
}

/** What the last refresh found. */
export type StatusListRefresh = { outcome: "updated" | "kept_newer" } | { outcome: "unreachable" } | { outcome: "unverifiable"; error: StatusListInvalid };

export interface StatusListKeeper {
  /** Fetches the list; keeps it when it verifies and is newer than the kept one. Answers the newest kept (null: none yet). Never throws for a network failure or a bad list. */
  refresh(): Promise<string | null>;
  /** The kept list, unchecked against the network. */
  current(): Promise<string | null>;
  /** What the last refresh found (null before the first): `unverifiable` means revocations no longer reach this device. */
  lastRefresh(): StatusListRefresh | null;
}

/**
 * @example
 * const lists = createStatusListKeeper({
 *   jwks: PINNED_JWKS, audience: APP_ID, uri: file.claims.status.status_list.uri, store: fileStore("status-list.jwt"),
 *   onUnverifiable: (err) => log.warn("status list not verifiable: update the pinned keys", err),
 * });
 * await verifyLicenseFile(fileText, { jwks: PINNED_JWKS, audience: APP_ID, fingerprint, statusList: (await lists.refresh()) ?? undefined });
 */
export function createStatusListKeeper(options: StatusListKeeperOptions): StatusListKeeper {
  requireAudience(options);
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let last: StatusListRefresh | null = null;
  const check = (token: string) => verifyStatusList(token, { jwks: options.jwks, audience: options.audience, uri: options.uri });
  const iatOf = async (token: string | null) => {
    if (!token) return null;
    try {
      return (await check(token)).iat;
    } catch {
      return null;
    }
  };
  return {
    current: async () => (await options.store.get()) ?? null,
    lastRefresh: () => last,
    async refresh() {
      const kept = (await options.store.get()) ?? null;
      let fetched: string;
      try {
        const res = await send(options.uri, { headers: { Accept: "application/statuslist+jwt" }, signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
        if (!res.ok) {
          last = { outcome: "unreachable" };
          return kept;
        }
        fetched = (await res.text()).trim();
      } catch {
        last = { outcome: "unreachable" };
        return kept;
      }
      let fetchedIat: number;
      try {
        fetchedIat = (await check(fetched)).iat;
      } catch (err) {
        last = { outcome: "unverifiable", error: err as StatusListInvalid };
        options.onUnverifiable?.(err as StatusListInvalid);
        return kept;
      }
      const keptIat = await iatOf(kept);
      // Same second: the list just fetched is at least as new as the kept one.
      if (keptIat !== null && keptIat > fetchedIat) {
        last = { outcome: "kept_newer" };
        return kept;
      }
      await options.store.set(fetched);
      last = { outcome: "updated" };
      return fetched;
    },
  };
}
