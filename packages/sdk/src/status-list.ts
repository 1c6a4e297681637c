// Token Status List (draft-ietf-oauth-status-list): 2 bits a license, the least significant bits
// of each byte first (index i is bits (i * 2) % 8 and up of byte floor(i * 2 / 8)), the bytes
// ZLIB-compressed (DEFLATE, RFC 1950/1951) and base64url-encoded in `lst`. Signed as a JWT with
// `typ` statuslist+jwt whose `sub` is the list's URI. The service encodes, the SDK decodes:
// CompressionStream and DecompressionStream exist on every runtime the SDK supports.

import { fromBase64Url, toBase64Url } from "./digest.js";

export const STATUS_LIST_TYP = "statuslist+jwt";
export const STATUS_BITS = 2;
/** The status values this service writes (0x03 is left to applications by the draft). */
export const LICENSE_LIST_STATUS = { valid: 0, revoked: 1, suspended: 2 } as const;
/** A decompressed list larger than this is refused (a zip bomb costs the verifier nothing). */
export const MAX_STATUS_LIST_BYTES = 4 * 1024 * 1024;

export interface StatusListClaims {
  sub: string;
  /** Whom the list is for: the seller's tenant id and application ids (every `aud` its tokens and files carry). */
  aud?: string[];
  iat: number;
  exp?: number;
  /** Seconds a verifier may keep the list before fetching it again. */
  ttl?: number;
  status_list: { bits: number; lst: string };
  [claim: string]: unknown;
}

async function readAll(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel();
      throw new RangeError(`the list is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

const through = (bytes: Uint8Array, transform: CompressionStream | DecompressionStream, limit: number) =>
  readAll(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform as TransformStream<Uint8Array, Uint8Array>), limit);

/** `lst` for `statuses` (index to status value), with room for at least `size` entries. */
export async function encodeStatusList(size: number, statuses: Iterable<[index: number, status: number]>): Promise<string> {
  const bytes = new Uint8Array(Math.ceil((size * STATUS_BITS) / 8));
  for (const [index, status] of statuses) {
    const bit = index * STATUS_BITS;
    bytes[bit >> 3]! |= (status & 0b11) << (bit & 7);
  }
  return toBase64Url(await through(bytes, new CompressionStream("deflate"), Number.MAX_SAFE_INTEGER));
}

/** The decompressed bytes of `lst`. */
export const decodeStatusList = async (lst: string): Promise<Uint8Array> =>
  through(fromBase64Url(lst), new DecompressionStream("deflate"), MAX_STATUS_LIST_BYTES);

/** The status at `index` (2 bits), or undefined when the list is shorter. */
export function statusAt(bytes: Uint8Array, index: number): number | undefined {
  const bit = index * STATUS_BITS;
  const byte = bytes[bit >> 3];
  return byte === undefined ? undefined : (byte >> (bit & 7)) & 0b11;
}
