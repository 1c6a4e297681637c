// Offline license-file verification: signature against a pinned key set, `typ`, issuer and
// audience, time, machine binding (fingerprint, and the device key when given), decryption when the file is sealed, the status list when one
// is given, and a clock that may not run backwards past what the device has already seen.
import { compactDecrypt, compactVerify, createLocalJWKSet, decodeProtectedHeader, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { sha256Hex } from "./digest.js";
import { claimsBinding, type DeviceKeyLike } from "./dpop.js";
import {
  ClockTampered,
  FileAlgorithmNotAllowed,
  FileClaimInvalid,
  FileDecryptionFailed,
  FileDeviceKeyMismatch,
  FileExpired,
  FileKeyNotFound,
  FileKeyRequired,
  FileMalformed,
  FileSignatureInvalid,
  FileTypInvalid,
  FileWrongMachine,
  type LicenseFileError,
  LicenseRevoked,
  LicenseSuspended,
  StatusListInvalid,
  StatusListStale,
} from "./errors.js";
import {
  ENCRYPTED_FILE_CTY,
  LICENSE_FILE_TYP,
  type LicenseFileClaims,
  type LicenseFileKdf,
  licenseFileKey,
  MAX_LICENSE_FILE_BYTES,
  unarmorLicenseFile,
} from "./license-file-format.js";
import { decodeStatusList, LICENSE_LIST_STATUS, STATUS_LIST_TYP, type StatusListClaims, statusAt } from "./status-list.js";
import type { SigningAlgorithm } from "./token-format.js";

/** Where the SDK keeps the latest trusted time it has seen (Unix seconds): a file, the keychain... */
export interface ClockStore {
  get(): Promise<number | null> | number | null;
  set(seconds: number): Promise<void> | void;
}

/** Keeps the high-water mark for this process only. */
export function memoryClockStore(): ClockStore {
  let seen: number | null = null;
  return {
    get: () => seen,
    set: (seconds) => {
      seen = seconds;
    },
  };
}

export interface VerifyLicenseFileOptions {
  /** The service's key set (GET /v1/licenses/jwks), shipped with the app: never fetched. */
  jwks: JSONWebKeySet;
  /** When set, the file's `iss` must be this. */
  issuer?: string;
  /** Required: your application id (or tenant id, for licenses without an application); other sellers' files are refused. */
  audience: string;
  /** Opens an encrypted file. */
  licenseKey?: string;
  /** This device's fingerprint: required for machine files, and for opening an encrypted one. */
  fingerprint?: string;
  /**
   * This device's key (its key pair, public JWK, or RFC 7638 thumbprint): the file's `cnf.jkt`
   * must name it (FileDeviceKeyMismatch otherwise, an unbound file included). A fingerprint can be
   * copied with the file; the key cannot, where it was created non-extractable.
   */
  deviceKey?: DeviceKeyLike;
  /** A status list token (GET the file's `status.status_list.uri`); a revoked or suspended license, or a released seat, is refused. */
  statusList?: string;
  /** Refuse a status list past its `exp` (StatusListStale) instead of reporting `listStatus: "stale"`. */
  requireFreshStatusList?: boolean;
  /** Defaults to the device's clock. */
  now?: Date;
  /** With a store, a clock set back past the latest time seen (beyond `rollbackToleranceS`) is refused. */
  clock?: ClockStore;
  /** Seconds the clock may run behind the latest time seen. Default 600. */
  rollbackToleranceS?: number;
  /** Seconds of skew tolerated on `exp` and `nbf`. Default 30. */
  clockTolerance?: number;
  algorithms?: readonly SigningAlgorithm[];
}

export interface VerifiedLicenseFile {
  claims: LicenseFileClaims;
  encrypted: boolean;
  /** Bound to one device (`fingerprint_sha256`). */
  machine: boolean;
  /**
   * What the status list said: `valid` (a current list has the entry valid), `stale` (the list is
   * past its `exp`: it revoked nothing, but it is not the current word), or `unchecked` (none given).
   */
  listStatus: "valid" | "stale" | "unchecked";
}

const FORBIDDEN_HEADERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit"];
const ALL_ALGORITHMS: readonly SigningAlgorithm[] = ["RS256", "ES256", "EdDSA"];

/** Verifies a compact JWS of `typ` against the pinned keys; the payload's bytes and the header. */
async function verifySigned(jws: string, typ: string, keys: JWTVerifyGetKey, algorithms: readonly string[], what: "file" | "list") {
  const fail = (err: LicenseFileError) => (what === "file" ? err : new StatusListInvalid(`The status list: ${err.message}`, { cause: err }));
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws) as Record<string, unknown>;
  } catch (err) {
    throw fail(new FileMalformed("The header is not valid JSON.", { cause: err }));
  }
  if (header.typ !== typ) throw fail(new FileTypInvalid(`Not a ${typ}.`));
  if (FORBIDDEN_HEADERS.some((name) => name in header)) throw fail(new FileAlgorithmNotAllowed("A header parameter that names its own key is not accepted."));
  if (typeof header.alg !== "string" || !algorithms.includes(header.alg)) throw fail(new FileAlgorithmNotAllowed("The algorithm is not allowed."));
  try {
    const { payload } = await compactVerify(jws, keys, { algorithms: [...algorithms] });
    return { payload, header };
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) throw fail(new FileKeyNotFound("No pinned key matches the signature's kid.", { cause: err }));
    if (err instanceof errors.JWSSignatureVerificationFailed) throw fail(new FileSignatureInvalid("The signature is invalid.", { cause: err }));
    if (err instanceof errors.JOSENotSupported || err instanceof errors.JOSEAlgNotAllowed) {
      throw fail(new FileAlgorithmNotAllowed("The algorithm or key is not supported.", { cause: err }));
    }
    throw fail(new FileMalformed("Not a valid compact JWS.", { cause: err }));
  }
}

function parseJson(bytes: Uint8Array): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new FileMalformed("The claims are not a JSON object.");
}

async function open(payload: Uint8Array, options: VerifyLicenseFileOptions): Promise<Uint8Array> {
  const jwe = new TextDecoder().decode(payload);
  let kdf: LicenseFileKdf;
  try {
    kdf = (decodeProtectedHeader(jwe) as { kdf?: LicenseFileKdf }).kdf ?? "license-key";
  } catch (err) {
    throw new FileMalformed("The sealed payload is not a JWE.", { cause: err });
  }
  if (options.licenseKey === undefined) throw new FileKeyRequired("The file is encrypted: give the license key.");
  if (kdf === "license-key+fingerprint" && options.fingerprint === undefined) {
    throw new FileKeyRequired("The machine file is encrypted: give the license key and this device's fingerprint.");
  }
  const key = await licenseFileKey(options.licenseKey, kdf === "license-key+fingerprint" ? options.fingerprint : undefined);
  try {
    return (await compactDecrypt(jwe, key, { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] })).plaintext;
  } catch (err) {
    throw new FileDecryptionFailed("The license key (or fingerprint) does not open this file.", { cause: err });
  }
}

function checkClaims(claims: Record<string, unknown>, options: VerifyLicenseFileOptions, now: number): LicenseFileClaims {
  const tolerance = options.clockTolerance ?? 30;
  for (const name of ["iss", "sub", "jti"]) if (typeof claims[name] !== "string") throw new FileClaimInvalid(`The "${name}" claim is missing.`);
  for (const name of ["iat", "nbf"]) if (typeof claims[name] !== "number") throw new FileClaimInvalid(`The "${name}" claim is missing.`);
  if (claims.exp !== undefined && typeof claims.exp !== "number") throw new FileClaimInvalid('The "exp" claim is not a number.');
  if (!Array.isArray(claims.features)) throw new FileClaimInvalid('The "features" claim is missing.');
  if (options.issuer !== undefined && claims.iss !== options.issuer) throw new FileClaimInvalid("The file is from another issuer.");
  if (claims.aud !== options.audience) throw new FileClaimInvalid("The file is for another application.");
  // `iat` is the service's clock: a device clock before it has been set back.
  if ((claims.iat as number) > now + tolerance || (claims.nbf as number) > now + tolerance) {
    throw new ClockTampered("The device's clock is behind the time the file was issued.");
  }
  if (typeof claims.exp === "number" && now > claims.exp + tolerance) throw new FileExpired("The license file has expired: check out a new one.");
  return claims as LicenseFileClaims;
}

/**
 * A status list token's claims, once its signature (a pinned key), `typ` and shape check out, its
 * `aud` names `audience` (every list names the seller's tenant and applications), and its `sub` is
 * `uri` when given.
 */
async function readStatusList(token: string, keys: JWTVerifyGetKey, algorithms: readonly string[], audience: string, uri?: string): Promise<StatusListClaims> {
  const { payload } = await verifySigned(token, STATUS_LIST_TYP, keys, algorithms, "list");
  let list: StatusListClaims;
  try {
    list = parseJson(payload) as StatusListClaims;
  } catch (err) {
    throw new StatusListInvalid("The status list's claims are not JSON.", { cause: err });
  }
  if (uri !== undefined && list.sub !== uri) throw new StatusListInvalid("The status list is not the one the file names.");
  if (!Array.isArray(list.aud) || !list.aud.includes(audience)) throw new StatusListInvalid("The status list is another seller's.");
  if (list.status_list?.bits !== 2 || typeof list.status_list.lst !== "string" || typeof list.iat !== "number" || typeof list.sub !== "string") {
    throw new StatusListInvalid("The status list is not a 2-bit list.");
  }
  return list;
}

/**
 * Checks a status list token (GET the `uri` a license file or token names) against the pinned
 * keys: signature, `typ` statuslist+jwt, 2-bit list, and its `sub` when `uri` is given.
 * @throws {StatusListInvalid}
 */
export function verifyStatusList(token: string, options: { jwks: JSONWebKeySet; audience: string; uri?: string; algorithms?: readonly SigningAlgorithm[] }) {
  requireAudience(options);
  return readStatusList(token, createLocalJWKSet(options.jwks), options.algorithms ?? ALL_ALGORITHMS, options.audience, options.uri);
}

/** Every verifier needs the app's audience: a missing one is a programming error, caught at the call. */
export function requireAudience(options: { audience?: unknown } | undefined): void {
  if (typeof options?.audience !== "string" || options.audience === "") {
    throw new TypeError("`audience` is required: your application id (or, for licenses without one, your tenant id).");
  }
}

/** What the list says of the file's entry: its `iat`, and whether it is past its `exp` (a stale list revokes, never vouches). */
async function checkStatusList(
  token: string,
  claims: LicenseFileClaims,
  keys: JWTVerifyGetKey,
  options: { algorithms: readonly string[]; audience: string; now: number; tolerance: number; requireFresh: boolean },
): Promise<{ iat: number; stale: boolean }> {
  const reference = claims.status?.status_list;
  if (!reference || typeof reference.idx !== "number" || typeof reference.uri !== "string") {
    throw new StatusListInvalid("The file names no status list.");
  }
  const list = await readStatusList(token, keys, options.algorithms, options.audience, reference.uri);
  let bytes: Uint8Array;
  try {
    bytes = await decodeStatusList(list.status_list.lst);
  } catch (err) {
    throw new StatusListInvalid("The status list does not decompress.", { cause: err });
  }
  const status = statusAt(bytes, reference.idx);
  if (status === undefined) throw new StatusListInvalid("The status list is shorter than the file's index.");
  // A refusal holds whatever the list's age; a list past its `exp` never vouches for a file.
  if (status === LICENSE_LIST_STATUS.revoked) throw new LicenseRevoked("The status list marks the license revoked, or this file's seat released.");
  if (status === LICENSE_LIST_STATUS.suspended) throw new LicenseSuspended("The status list marks the license suspended.");
  const stale = typeof list.exp === "number" && options.now > list.exp + options.tolerance;
  if (stale && options.requireFresh) throw new StatusListStale("The status list is past its exp: fetch a fresh one.");
  return { iat: list.iat, stale };
}

/**
 * @example
 * const { claims } = await verifyLicenseFile(await readFile("app.lic", "utf8"), {
 *   jwks: PINNED_JWKS, audience: APP_ID, fingerprint: machineId, clock: fileClockStore,
 * });
 * if (claims.features.includes("export")) enableExport();
 * @throws {LicenseFileError} one of its subclasses, with a stable `code`.
 */
export async function verifyLicenseFile(file: string, options: VerifyLicenseFileOptions): Promise<VerifiedLicenseFile> {
  if (!options?.jwks || !Array.isArray(options.jwks.keys)) throw new TypeError("`jwks` must be a JSON Web Key Set: { keys: [...] }.");
  requireAudience(options);
  if (typeof file !== "string" || file.length > MAX_LICENSE_FILE_BYTES)
    throw new FileMalformed(`License files are strings of at most ${MAX_LICENSE_FILE_BYTES} bytes.`);
  const jws = unarmorLicenseFile(file);
  if (!jws) throw new FileMalformed("Not a license file: expected -----BEGIN LICENSE FILE----- and a compact JWS.");
  const keys = createLocalJWKSet(options.jwks);
  const algorithms = options.algorithms ?? ALL_ALGORITHMS;
  const now = Math.floor((options.now?.getTime() ?? Date.now()) / 1000);

  const seen = (await options.clock?.get()) ?? null;
  if (seen !== null && now < seen - (options.rollbackToleranceS ?? 600)) {
    throw new ClockTampered("The device's clock is behind a time it has already seen.");
  }

  const { payload, header } = await verifySigned(jws, LICENSE_FILE_TYP, keys, algorithms, "file");
  const encrypted = header.cty === ENCRYPTED_FILE_CTY;
  const claims = checkClaims(parseJson(encrypted ? await open(payload, options) : payload), options, now);

  const machine = typeof claims.fingerprint_sha256 === "string";
  if (machine && (options.fingerprint === undefined || (await sha256Hex(options.fingerprint)) !== claims.fingerprint_sha256)) {
    throw new FileWrongMachine(options.fingerprint === undefined ? "A machine file needs this device's fingerprint." : "The file is for another device.");
  }
  if (options.deviceKey !== undefined) {
    const binding = await claimsBinding(claims, options.deviceKey);
    if (!binding.matches) {
      throw new FileDeviceKeyMismatch(binding.bound ? "The file is bound to another device key." : "The file is not bound to a device key.");
    }
  }
  const list =
    options.statusList !== undefined
      ? await checkStatusList(options.statusList, claims, keys, {
          algorithms,
          audience: options.audience,
          now,
          tolerance: options.clockTolerance ?? 30,
          requireFresh: options.requireFreshStatusList === true,
        })
      : null;
  await options.clock?.set(Math.max(seen ?? 0, now, claims.iat, list?.iat ?? 0));
  return { claims, encrypted, machine, listStatus: list === null ? "unchecked" : list.stale ? "stale" : "valid" };
}
