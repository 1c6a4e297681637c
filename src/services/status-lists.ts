// Each tenant's Token Status List, signed and kept at the edge (KV) so serving it touches no
// database. A license's status change marks its list changed in the same transaction; the list is
// rebuilt right after the commit, by the cron when that rebuild failed (changed after built), and
// on a request when the edge copy is missing or past half its life.
import { encodeStatusList, LICENSE_LIST_STATUS, type StatusListClaims } from "@edge-license/sdk";
import type { LicenseStatus } from "../contract/licenses";
import { sha256Hex } from "../crypto/hash";
import { getKeyRing } from "../crypto/keys";
import { signStatusList } from "../crypto/license-file";
import { markStatusListBuilt, readStatusList, staleStatusLists, statusListOfTenant } from "../db/repositories/status-lists";
import { notFound } from "../errors";
import type { ServiceDeps } from "./context";

/** How long a verifier may keep a list before asking again (the `ttl` claim, and the CDN's max-age). */
export const STATUS_LIST_TTL_S = 300;
/** A list's `exp`: an older list still says what it said, but is not the current word. */
export const STATUS_LIST_LIFETIME_S = 86_400;
/** Lists are padded to whole blocks of this many entries (4 KiB), so their size says little. */
const BLOCK = 16_384;

export const statusListUri = (issuer: string, listId: string) => `${issuer}/v1/status-lists/${listId}`;
const kvKey = (listId: string) => `status-list:${listId}`;

export interface PublishedList {
  token: string;
  /** Weak: the same statuses re-signed later are the same list. */
  etag: string;
  iat: number;
  exp: number;
}

const LIST_STATUS: Partial<Record<LicenseStatus, number>> = { revoked: LICENSE_LIST_STATUS.revoked, suspended: LICENSE_LIST_STATUS.suspended };

export function statusListService(deps: ServiceDeps) {
  async function publish(listId: string): Promise<PublishedList | undefined> {
    // Taken before the read: a change committed while this runs leaves the list stale, for the cron.
    const readAt = new Date();
    const content = await readStatusList(deps.db(), listId);
    if (!content) return undefined;
    const size = Math.max(BLOCK, Math.ceil(content.size / BLOCK) * BLOCK);
    const lst = await encodeStatusList(
      size,
      content.marked.map((m) => [m.idx, LIST_STATUS[m.status] ?? 0]),
    );
    const iat = Math.floor(Date.now() / 1000);
    const claims: StatusListClaims = {
      sub: statusListUri(deps.config.issuer(), listId),
      iat,
      exp: iat + STATUS_LIST_LIFETIME_S,
      ttl: STATUS_LIST_TTL_S,
      status_list: { bits: 2, lst },
    };
    const published: PublishedList = {
      token: await signStatusList(await getKeyRing(deps.config.signingKeys), claims),
      etag: `W/"${(await sha256Hex(`${size}:${lst}`)).slice(0, 32)}"`,
      iat,
      exp: iat + STATUS_LIST_LIFETIME_S,
    };
    await deps.kv.put(kvKey(listId), JSON.stringify(published), { expirationTtl: STATUS_LIST_LIFETIME_S });
    await markStatusListBuilt(deps.db(), listId, readAt);
    return published;
  }

  return {
    publish,

    /** The cron's catch-up: lists whose rebuild after a change failed or has not run. */
    async publishStale(): Promise<number> {
      const stale = await staleStatusLists(deps.db(), 20);
      for (const listId of stale) await publish(listId);
      return stale.length;
    },

    /** After a license's status changed: its tenant's list, rebuilt (nothing when it has none yet). */
    async publishForTenant(tenantId: string): Promise<void> {
      const listId = await statusListOfTenant(deps.db(), tenantId);
      if (listId) await publish(listId);
    },

    /** The list as served: the edge copy while it is in the first half of its life, else rebuilt. */
    async current(listId: string): Promise<PublishedList> {
      const cached = await deps.kv.get<PublishedList>(kvKey(listId), "json");
      if (cached && cached.exp - Date.now() / 1000 > STATUS_LIST_LIFETIME_S / 2) return cached;
      const rebuilt = await publish(listId);
      if (!rebuilt) throw notFound("Status list");
      return rebuilt;
    },
  };
}
