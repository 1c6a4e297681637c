// Keeping a license's status list on a device that is online only now and then: fetch it when the
// service can be reached, keep the newest valid one seen (by `iat`), and hand the kept one to
// verifyLicenseFile when it cannot. A list that fails to verify is never kept.
import type { JSONWebKeySet } from "jose";
import { verifyStatusList } from "./license-file.js";

/** Where the kept list lives between runs (a file, the keychain...): the app decides. */
export interface StatusListStore {
  get(): Promise<string | null> | string | null;
  set(token: string): Promise<void> | void;
}

export interface StatusListKeeperOptions {
  /** The pinned key set the list must be signed by. */
  jwks: JSONWebKeySet;
  /** The list's URI: the `status.status_list.uri` of the app's license file. */
  uri: string;
  store: StatusListStore;
  /** Per fetch, in ms. Default 5,000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface StatusListKeeper {
  /** Fetches the list; keeps it when it verifies and is newer than the kept one. Answers the newest kept (null: none yet). Never throws for a network failure. */
  refresh(): Promise<string | null>;
  /** The kept list, unchecked against the network. */
  current(): Promise<string | null>;
}

/**
 * @example
 * const lists = createStatusListKeeper({ jwks: PINNED_JWKS, uri: file.claims.status.status_list.uri, store: fileStore("status-list.jwt") });
 * await verifyLicenseFile(fileText, { jwks: PINNED_JWKS, fingerprint, statusList: (await lists.refresh()) ?? undefined });
 */
export function createStatusListKeeper(options: StatusListKeeperOptions): StatusListKeeper {
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const iatOf = async (token: string | null) => {
    if (!token) return null;
    try {
      return (await verifyStatusList(token, { jwks: options.jwks, uri: options.uri })).iat;
    } catch {
      return null;
    }
  };
  return {
    current: async () => (await options.store.get()) ?? null,
    async refresh() {
      const kept = (await options.store.get()) ?? null;
      let fetched: string;
      try {
        const res = await send(options.uri, { headers: { Accept: "application/statuslist+jwt" }, signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
        if (!res.ok) return kept;
        fetched = (await res.text()).trim();
      } catch {
        return kept;
      }
      const fetchedIat = await iatOf(fetched);
      if (fetchedIat === null) return kept;
      const keptIat = await iatOf(kept);
      // Same second: the list just fetched is at least as new as the kept one.
      if (keptIat !== null && keptIat > fetchedIat) return kept;
      await options.store.set(fetched);
      return fetched;
    },
  };
}
