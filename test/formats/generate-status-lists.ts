// Status-list vectors: each list signed by the service's own code (signStatusList, the SDK's
// encodeStatusList), with the entries db/repositories/status-lists.ts marks for the license's
// state, and the claims services/status-lists.ts publishes. The file vectors check files against them.
import { decodeStatusList, encodeStatusList, type StatusListClaims, statusAt } from "@edge-license/sdk";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { signStatusList } from "../../src/crypto/license-file.ts";
import { alterPayload, DAY, IDS, IDX, LIST_CAPACITY, NOW, nonzeroBytes, OTHER_ENTRIES, statusListUri } from "./fixtures.ts";
import type { Signers, Tokens } from "./generate-tokens.ts";
import { invalid, type VectorCase, type VectorFile, valid, vectorFile } from "./vector-file.ts";

/** The URI the files' entries name (the lists' `sub`). */
export const LIST_URI = statusListUri(IDS.statusList);

/** Whose entries a list marks, as readStatusList computes them: a revoked license marks all its entries 1, a suspended one 2, a released seat 1. */
interface ListState {
  license: "active" | "revoked" | "suspended";
  seatsReleased?: boolean;
  iat?: number;
  aud?: string[];
  sub?: string;
}

function marks(state: ListState): Array<[number, number]> {
  const license = { active: 0, revoked: 1, suspended: 2 }[state.license];
  const seat = state.seatsReleased ? 1 : license;
  const own: Array<[number, number]> = [
    [IDX.license, license],
    [IDX.activation, seat],
    [IDX.borrowed, seat],
  ];
  return [...OTHER_ENTRIES, ...own.filter(([, status]) => status !== 0)];
}

/** A list as services/status-lists.ts publishes it: `ttl` 300 s, `exp` 24 h after `iat`, `aud` the tenant and its applications. */
async function statusList(s: Signers, state: ListState): Promise<string> {
  const iat = state.iat ?? NOW - 60;
  const claims: StatusListClaims = {
    sub: state.sub ?? LIST_URI,
    aud: state.aud ?? [IDS.tenant, IDS.application],
    iat,
    exp: iat + DAY,
    ttl: 300,
    status_list: { bits: 2, lst: await encodeStatusList(LIST_CAPACITY, marks(state)) },
  };
  return signStatusList(s.rs, claims);
}

/** The lists the vectors use: the license active, revoked, suspended, its seats released, stale ones, and two that are not its list. */
export async function statusLists(s: Signers) {
  return {
    current: await statusList(s, { license: "active" }),
    revoked: await statusList(s, { license: "revoked" }),
    suspended: await statusList(s, { license: "suspended" }),
    released: await statusList(s, { license: "active", seatsReleased: true }),
    stale: await statusList(s, { license: "active", iat: NOW - 2 * DAY }),
    staleRevoked: await statusList(s, { license: "revoked", iat: NOW - 2 * DAY }),
    otherSeller: await statusList(s, { license: "active", aud: [IDS.otherTenant, IDS.otherApplication] }),
    otherUri: await statusList(s, { license: "active", sub: statusListUri(IDS.otherStatusList) }),
  };
}

/** What a list decodes to: its claims, the statuses of the entries that matter, and its bytes where they are not 0. */
async function decodedList(token: string, state: ListState) {
  const claims = decodeJwt(token) as unknown as StatusListClaims;
  const bytes = await decodeStatusList(claims.status_list.lst);
  const indexes = [0, ...OTHER_ENTRIES.map(([i]) => i), IDX.license, IDX.activation, IDX.borrowed].sort((a, b) => a - b);
  if (marks(state).some(([i, status]) => statusAt(bytes, i) !== status)) throw new Error("the list does not say what it was built to say");
  return {
    header: decodeProtectedHeader(token),
    claims,
    statuses: indexes.map((i) => [i, statusAt(bytes, i)]),
    decompressed: { length: bytes.length, nonzero_bytes: nonzeroBytes(bytes) },
  };
}

export async function statusListVectors(s: Signers, lists: Record<string, string>, tokens: Tokens): Promise<Record<"status-list.json", VectorFile>> {
  const base = { audience: IDS.application, uri: LIST_URI, algorithms: ["RS256", "ES256", "EdDSA"], now: NOW };
  const cases: VectorCase[] = [
    valid(
      "valid",
      "The current list: the license's entries valid, other licenses' marked.",
      { ...base, token: lists.current! },
      await decodedList(lists.current!, { license: "active" }),
    ),
    valid(
      "valid-tenant-audience",
      "The same list checked with the tenant id as audience.",
      { ...base, audience: IDS.tenant, token: lists.current! },
      await decodedList(lists.current!, { license: "active" }),
    ),
    valid(
      "valid-revoked",
      "The license revoked: all its entries 1.",
      { ...base, token: lists.revoked! },
      await decodedList(lists.revoked!, { license: "revoked" }),
    ),
    valid(
      "valid-suspended",
      "The license suspended: all its entries 2.",
      { ...base, token: lists.suspended! },
      await decodedList(lists.suspended!, { license: "suspended" }),
    ),
    valid(
      "valid-seats-released",
      "The activation and the borrowed lease released: their entries 1, the license's 0.",
      { ...base, token: lists.released! },
      await decodedList(lists.released!, { license: "active", seatsReleased: true }),
    ),
    invalid("wrong-audience", "A list that does not name the verifier's audience.", { ...base, token: lists.otherSeller! }, "ERR_STATUS_LIST_INVALID"),
    invalid("wrong-uri", "A list whose `sub` is another list's URI.", { ...base, token: lists.otherUri! }, "ERR_STATUS_LIST_INVALID"),
    invalid(
      "altered",
      "An entry cleared after signing (`lst` replaced).",
      { ...base, token: alterPayload(lists.revoked!, (c) => (c.status_list = (decodeJwt(lists.current!) as StatusListClaims).status_list)) },
      "ERR_STATUS_LIST_INVALID",
    ),
    invalid("license-token-as-list", "A license token (`typ` license+jwt) given as a list.", { ...base, token: tokens.deviceBound }, "ERR_STATUS_LIST_INVALID"),
  ];
  return { "status-list.json": vectorFile("status-list", "docs/formats.md#8-status-lists", NOW, cases, s.jwks) };
}
