// Each tenant's Token Status List, signed and kept at the edge (KV) so serving it touches no
// database. A change to an entry's status (a license suspended or revoked, a seat with a machine
// file released) bumps the list's version in the same transaction; the list is rebuilt right after
// the commit, by the cron when that rebuild failed or lost a race (its version is behind), and on
// a request when the edge copy is missing or past half its life. An older build never replaces a
// newer one at the edge: each copy names the version it read.
import { encodeStatusList, type StatusListClaims } from "@edge-license/sdk";
import { sha256Hex } from "../crypto/hash";
import { getKeyRing } from "../crypto/keys";
import { signStatusList } from "../crypto/license-file";
import { markStatusListBuilt, readStatusList, recentlyChangedStatusLists, staleStatusLists, statusListOfTenant } from "../db/repositories/status-lists";
import { notFound } from "../errors";
import type { ServiceDeps } from "./context";

/** How long a verifier may keep a list before asking again (the `ttl` claim, and the CDN's max-age). */
export const STATUS_LIST_TTL_S = 300;
/** A list's `exp`: an older list still says what it said, but is not the current word. */
export const STATUS_LIST_LIFETIME_S = 86_400;

export const statusListUri = (issuer: string, listId: string) => `${issuer}/v1/status-lists/${listId}`;
const kvKey = (listId: string) => `status-list:${listId}`;

export interface PublishedList {
  token: string;
  /** Weak: the same statuses re-signed later are the same list. */
  etag: string;
  iat: number;
  exp: number;
  /** The list's version the statuses were read at. */
  version: number;
}

/** How long after a change the cron still checks that the edge copy caught up with it. */
const CATCH_UP_WINDOW_MS = 60 * 60_000;
/** Lists the cron compares with their edge copies per run, and rebuilds it makes at most (twice this). */
const CATCH_UP_CHECKS = 500;
const PUBLISH_PER_RUN = 20;

export function statusListService(deps: ServiceDeps) {
  async function publish(listId: string): Promise<PublishedList | undefined> {
    const readAt = new Date();
    const content = await readStatusList(deps.db(), listId);
    if (!content) return undefined;
    const lst = await encodeStatusList(content.capacity, content.marked);
    const iat = Math.floor(Date.now() / 1000);
    const claims: StatusListClaims = {
      sub: statusListUri(deps.config.issuer(), listId),
      aud: content.audience,
      iat,
      exp: iat + STATUS_LIST_LIFETIME_S,
      ttl: STATUS_LIST_TTL_S,
      status_list: { bits: 2, lst },
    };
    const published: PublishedList = {
      token: await signStatusList(await getKeyRing(deps.config.signingKeys), claims),
      etag: `W/"${(await sha256Hex(`${content.capacity}:${lst}`)).slice(0, 32)}"`,
      iat,
      exp: iat + STATUS_LIST_LIFETIME_S,
      version: content.version,
    };
    // A build that read an older version than the copy at the edge lost a race: it is dropped.
    const atEdge = await deps.kv.get<PublishedList>(kvKey(listId), "json");
    if (!atEdge || !(atEdge.version > published.version)) {
      await deps.kv.put(kvKey(listId), JSON.stringify(published), { expirationTtl: STATUS_LIST_LIFETIME_S });
    }
    await markStatusListBuilt(deps.db(), listId, content.version, readAt);
    return published;
  }

  return {
    publish,

    /**
     * The cron's catch-up: lists whose rebuild after a change failed or has not run, and recently
     * changed lists whose edge copy is older than their version (a slower, older build that wrote
     * last).
     */
    async publishStale(): Promise<number> {
      const stale = new Set(await staleStatusLists(deps.db(), PUBLISH_PER_RUN));
      // Every list changed within the window is checked (newest first), not just the first few: a
      // busy hour must not hide an edge copy that fell behind. Rebuilds stay bounded per run.
      const recent = await recentlyChangedStatusLists(deps.db(), new Date(Date.now() - CATCH_UP_WINDOW_MS), CATCH_UP_CHECKS);
      const behind = await Promise.all(
        recent.map(async (list) => {
          const atEdge = await deps.kv.get<PublishedList>(kvKey(list.id), "json");
          return !atEdge || (atEdge.version ?? 0) < list.version ? list.id : undefined;
        }),
      );
      for (const id of behind) if (id && stale.size < 2 * PUBLISH_PER_RUN) stale.add(id);
      for (const listId of stale) await publish(listId);
      return stale.size;
    },

    /** After a license's status changed: its tenant's list, rebuilt (nothing when it has none yet). */
    async publishForTenant(tenantId: string): Promise<void> {
      const listId = await statusListOfTenant(deps.db(), tenantId);
      if (listId) await publish(listId);
    },

    /** The list as served: the edge copy while it is in the first half of its life, else rebuilt. */
    async current(listId: string): Promise<PublishedList> {
      const cached = await deps.kv.get<PublishedList>(kvKey(listId), "json");
      // A copy without a version predates lists naming their audience: rebuilt, as verifiers now require `aud`.
      if (cached?.version !== undefined && cached.exp - Date.now() / 1000 > STATUS_LIST_LIFETIME_S / 2) return cached;
      const rebuilt = await publish(listId);
      if (!rebuilt) throw notFound("Status list");
      return rebuilt;
    },
  };
}
