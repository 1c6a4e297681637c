// Device-bound licenses: a key pair made on the device, DPoP proofs signed with it (RFC 9449), a
// place to keep it between runs, and the check that an artifact (token, lease token, machine file)
// is bound to it (`cnf.jkt`, RFC 7800 / RFC 9449 section 6). WebCrypto and jose only, so the same
// code runs on Node, Deno, Bun, browsers and workerd; the one Node API (the key file) is loaded on
// first use, behind a specifier bundlers leave alone, so it never enters a browser bundle.
// https://www.rfc-editor.org/rfc/rfc9449
import { decodeJwt, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { toBase64Url, utf8 } from "./digest.js";

/** `typ` of a DPoP proof. */
export const DPOP_TYP = "dpop+jwt";
export type DeviceKeyAlgorithm = "ES256" | "EdDSA";
/** ES256 is the default: the one every runtime's WebCrypto has (Ed25519 came late to some browsers). */
export const DEVICE_KEY_ALGORITHMS: readonly DeviceKeyAlgorithm[] = ["ES256", "EdDSA"];

export interface CreateDeviceKeyOptions {
  alg?: DeviceKeyAlgorithm;
  /**
   * Whether the private key can be exported. Default false: no code in the process, the app's
   * own included, can read it out, and a browser keeps it usable in IndexedDB all the same. Only
   * a store that writes the key somewhere (`fileKeyStore`) needs it exportable.
   */
  extractable?: boolean;
}

/**
 * A new device key pair: ES256 (or EdDSA), the private key non-extractable unless asked.
 *
 * @example
 * const key = await createDeviceKey();
 * const proof = await createDpopProof(key, { htm: "POST", htu: "https://license.example.com/v1/licenses/activate" });
 */
export async function createDeviceKey(options: CreateDeviceKeyOptions = {}): Promise<CryptoKeyPair> {
  const alg = options.alg ?? "ES256";
  if (!DEVICE_KEY_ALGORITHMS.includes(alg)) throw new TypeError(`Device keys are ${DEVICE_KEY_ALGORITHMS.join(" or ")}, not ${String(alg)}.`);
  return (await generateKeyPair(alg, { extractable: options.extractable ?? false })) as CryptoKeyPair;
}

interface PublicPart {
  alg: DeviceKeyAlgorithm;
  jwk: JWK;
}

// Exporting the public key is async and the same on every proof: once per key.
const publicParts = new WeakMap<CryptoKey, Promise<PublicPart>>();

function algOf(key: CryptoKey): DeviceKeyAlgorithm {
  const algorithm = key.algorithm as { name: string; namedCurve?: string };
  if (algorithm.name === "ECDSA" && algorithm.namedCurve === "P-256") return "ES256";
  if (algorithm.name === "Ed25519") return "EdDSA";
  throw new TypeError("A device key is an ECDSA P-256 or Ed25519 key pair (createDeviceKey).");
}

/** The public key's RFC 7638 members and nothing else: what goes into every proof's `jwk` header. */
function publicPart(publicKey: CryptoKey): Promise<PublicPart> {
  let part = publicParts.get(publicKey);
  if (!part) {
    part = (async () => {
      const alg = algOf(publicKey);
      const jwk = (await crypto.subtle.exportKey("jwk", publicKey)) as JsonWebKey;
      if (typeof jwk.x !== "string") throw new TypeError("The device's public key could not be exported.");
      const members: JWK = alg === "ES256" ? { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y } : { kty: "OKP", crv: "Ed25519", x: jwk.x };
      return { alg, jwk: members };
    })();
    publicParts.set(publicKey, part);
  }
  return part;
}

/** The device's public key as a JWK (public members only), e.g. to show or to compare. */
export async function devicePublicJwk(key: CryptoKeyPair | CryptoKey): Promise<JWK> {
  return { ...(await publicPart("publicKey" in key ? key.publicKey : key)).jwk };
}

/**
 * The RFC 7638 thumbprint (SHA-256, base64url) of a device key: the `jkt` the service stores on
 * the activation and puts in the `cnf` of what it issues to it. Private members are ignored; a
 * JWK must be an EC or OKP key (the kinds a device key is).
 */
export async function deviceKeyThumbprint(key: JWK | CryptoKeyPair): Promise<string> {
  const jwk = "publicKey" in key ? (await publicPart(key.publicKey as CryptoKey)).jwk : key;
  // The required members in lexicographic order, no whitespace (RFC 7638 section 3.2). Written
  // out rather than jose's general one: a token verifier that checks `cnf` stays ~1 KiB smaller.
  const { kty, crv, x, y } = jwk;
  const ok = typeof crv === "string" && typeof x === "string" && (kty === "OKP" || (kty === "EC" && typeof y === "string"));
  if (!ok) throw new TypeError("A device key's JWK is an EC or OKP public key (crv, x, and y for EC).");
  const members = kty === "EC" ? { crv, kty, x, y } : { crv, kty, x };
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(JSON.stringify(members)))));
}

export interface DpopProofInput {
  /** The request's method, exactly as sent ("POST"). */
  htm: string;
  /** The request's URL; the query and fragment are left out of the proof, as RFC 9449 asks. */
  htu: string | URL;
  /** When the proof is made (default: now). */
  now?: Date;
  /** A token presented with the request (RFC 9449 section 7): the proof then carries its hash, `ath`. */
  accessToken?: string;
  /** The last `DPoP-Nonce` the service answered, when it asks for one. */
  nonce?: string;
}

/** `ath`: base64url SHA-256 of the token's ASCII text. */
export async function accessTokenHash(accessToken: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(accessToken))));
}

/**
 * A DPoP proof for one request, for its `DPoP` header: a JWT of `typ` dpop+jwt with the public key
 * in its `jwk` header, a random `jti`, `htm`, `htu` and `iat`. Make a new one for every request
 * (the service refuses a `jti` it has seen and an `iat` older than about a minute).
 *
 * @example
 * const url = `${baseUrl}/v1/licenses/validate`;
 * await fetch(url, { method: "POST", headers: { DPoP: await createDpopProof(key, { htm: "POST", htu: url }) }, body });
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export async function createDpopProof(key: CryptoKeyPair, input: DpopProofInput): Promise<string> {
  const { alg, jwk } = await publicPart(key.publicKey);
  const url = new URL(input.htu);
  url.search = "";
  url.hash = "";
  const claims: Record<string, unknown> = {
    jti: crypto.randomUUID(),
    htm: input.htm,
    htu: url.href,
    iat: Math.floor((input.now?.getTime() ?? Date.now()) / 1000),
    ...(input.accessToken !== undefined ? { ath: await accessTokenHash(input.accessToken) } : {}),
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
  };
  return new SignJWT(claims).setProtectedHeader({ alg, typ: DPOP_TYP, jwk }).sign(key.privateKey);
}

/** Where the device key lives between runs. */
export interface DeviceKeyStore {
  load(): Promise<CryptoKeyPair | undefined>;
  save(pair: CryptoKeyPair): Promise<void>;
  /** The store writes the private key out, so it must be created extractable. */
  readonly needsExtractableKey?: boolean;
}

/**
 * The device key from `store`, or a new one saved there first. Keep one per installation: a new
 * key is a new device to the service (activations bound to the old key refuse the new one).
 *
 * @example
 * const key = await loadOrCreateDeviceKey(typeof indexedDB === "undefined" ? fileKeyStore(".license-device-key.json") : indexedDbKeyStore("my-app"));
 */
export async function loadOrCreateDeviceKey(store: DeviceKeyStore, options: { alg?: DeviceKeyAlgorithm } = {}): Promise<CryptoKeyPair> {
  const kept = await store.load();
  if (kept) return kept;
  const pair = await createDeviceKey({ alg: options.alg, extractable: store.needsExtractableKey ?? false });
  await store.save(pair);
  return pair;
}

/** A store that forgets on exit: tests, and short-lived processes such as a Worker. */
export function memoryKeyStore(): DeviceKeyStore {
  let pair: CryptoKeyPair | undefined;
  return {
    load: async () => pair,
    save: async (next) => {
      pair = next;
    },
  };
}

// The few IndexedDB members used, typed here: the SDK's types must not need the DOM library.
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbTransaction {
  objectStore(name: string): { get(key: string): IdbRequest<unknown>; put(value: unknown, key: string): IdbRequest<unknown> };
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: "readonly" | "readwrite"): IdbTransaction;
  close(): void;
}
export interface IdbFactory {
  open(name: string, version?: number): IdbRequest<IdbDatabase> & { onupgradeneeded: (() => void) | null };
}

const IDB_STORE = "device-keys";
const IDB_RECORD = "device";

const requested = <T>(request: IdbRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

const completed = (tx: IdbTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error("The IndexedDB transaction was aborted."));
  });

/**
 * Browsers: the key pair kept in IndexedDB database `name`. CryptoKey objects are structured-
 * cloneable, so a non-extractable private key is stored and used again without ever being
 * exported; page script (an XSS included) can use it while it runs, but cannot copy it elsewhere.
 * Clearing the site's data loses the key: the device then activates again as a new one.
 */
export function indexedDbKeyStore(name: string, options: { indexedDB?: IdbFactory } = {}): DeviceKeyStore {
  const open = async () => {
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IdbFactory }).indexedDB;
    if (!factory) throw new TypeError("indexedDbKeyStore needs IndexedDB (a browser); use fileKeyStore on Node, Deno and Bun.");
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(IDB_STORE)) request.result.createObjectStore(IDB_STORE);
    };
    return requested(request);
  };
  return {
    async load() {
      const db = await open();
      try {
        const kept = await requested(db.transaction(IDB_STORE, "readonly").objectStore(IDB_STORE).get(IDB_RECORD));
        return isKeyPair(kept) ? { privateKey: kept.privateKey, publicKey: kept.publicKey } : undefined;
      } finally {
        db.close();
      }
    },
    async save(pair) {
      const db = await open();
      try {
        const tx = db.transaction(IDB_STORE, "readwrite");
        const done = completed(tx);
        tx.objectStore(IDB_STORE).put({ privateKey: pair.privateKey, publicKey: pair.publicKey }, IDB_RECORD);
        await done;
      } finally {
        db.close();
      }
    },
  };
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  if (typeof value !== "object" || value === null) return false;
  const { privateKey, publicKey } = value as Record<string, unknown>;
  return typeof privateKey === "object" && privateKey !== null && typeof publicKey === "object" && publicKey !== null;
}

// The parts of node:fs/promises used (Node, Deno and Bun all provide it).
interface NodeFs {
  readFile(path: string, encoding: "utf8"): Promise<string>;
  writeFile(path: string, data: string, options: { mode: number; flag: string }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}
// A specifier in a variable: bundlers (esbuild, Vite, webpack) leave `import(NODE_FS)` unresolved,
// so a browser build of the SDK neither fails on it nor carries a Node shim.
const NODE_FS = "node:fs/promises";
async function nodeFs(): Promise<NodeFs> {
  try {
    return (await import(/* @vite-ignore */ NODE_FS)) as NodeFs;
  } catch (cause) {
    throw new TypeError("fileKeyStore needs node:fs (Node, Deno, Bun); in a browser use indexedDbKeyStore.", { cause });
  }
}

/**
 * Node, Deno and Bun: the key pair kept in a JWK file at `path`, written with mode 0600 (owner
 * only; Windows ignores the mode, put the file under the user's profile). A file can only hold a
 * key that can be exported, so keys for this store are created extractable; once loaded, the
 * private key is imported non-extractable again. Anyone who can read the file can act as the
 * device: keep it out of shared folders and backups that leave the machine.
 */
export function fileKeyStore(path: string): DeviceKeyStore {
  return {
    needsExtractableKey: true,
    async load() {
      const fs = await nodeFs();
      let text: string;
      try {
        text = await fs.readFile(path, "utf8");
      } catch (err) {
        if ((err as { code?: unknown }).code === "ENOENT") return undefined;
        throw err;
      }
      // A file that exists but is unusable is an error, not a reason to make a new key silently.
      const jwk = JSON.parse(text) as JWK;
      const alg = jwk.alg === "EdDSA" ? "EdDSA" : "ES256";
      if (jwk.alg !== alg || typeof jwk.d !== "string") throw new TypeError(`${path} does not hold a device key (an ES256 or EdDSA private JWK).`);
      const { d: _d, key_ops: _ops, ext: _ext, ...publicMembers } = jwk;
      const privateKey = (await importJWK({ ...publicMembers, d: jwk.d }, alg, { extractable: false })) as CryptoKey;
      const publicKey = (await importJWK(publicMembers, alg, { extractable: true })) as CryptoKey;
      return { privateKey, publicKey };
    },
    async save(pair) {
      const { alg } = await publicPart(pair.publicKey);
      if (!pair.privateKey.extractable) {
        throw new TypeError("fileKeyStore can only save an extractable key: create it with createDeviceKey({ extractable: true }) or loadOrCreateDeviceKey.");
      }
      const { kty, crv, x, y, d } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
      const fs = await nodeFs();
      // Written beside the target and renamed over it: a crash never leaves half a key, and the
      // file never exists with wider permissions than 0600 (the temporary one is created so).
      const temporary = `${path}.${crypto.randomUUID()}.tmp`;
      try {
        await fs.writeFile(temporary, `${JSON.stringify({ kty, crv, x, ...(y ? { y } : {}), d, alg })}\n`, { mode: 0o600, flag: "wx" });
        await fs.rename(temporary, path);
      } catch (err) {
        await fs.rm(temporary, { force: true });
        throw err;
      }
    },
  };
}

/**
 * The device as a verifier is given it: its key pair, its public JWK, or its RFC 7638 thumbprint
 * (a `jkt` string, e.g. kept from `deviceKeyThumbprint`, when the key itself is elsewhere).
 */
export type DeviceKeyLike = CryptoKeyPair | JWK | string;

const jktOf = (device: DeviceKeyLike): Promise<string> => (typeof device === "string" ? Promise.resolve(device) : deviceKeyThumbprint(device));

/** Whether an artifact is bound to this device's key. */
export type DeviceBinding =
  /** `cnf.jkt` is this device key's thumbprint. */
  | { bound: true; matches: true; jkt: string }
  /** Bound to another key: a copy from another device (or this device lost its key). */
  | { bound: true; matches: false; jkt: string; deviceJkt: string }
  /** No `cnf` at all: a bearer artifact, which any device holding it can use. */
  | { bound: false; matches: false; reason: "UNBOUND" }
  /** A `cnf` without a usable `jkt` (another confirmation method, or a malformed one), or no JWT at all. */
  | { bound: false; matches: false; reason: "MALFORMED" };

/**
 * Checks an artifact's `cnf.jkt` against the device key. Give it claims you have verified
 * (`verifyLicenseJwt`'s answer, a verified license file's `claims`): a token string is only
 * decoded here, its signature is not checked. Only `matches: true` means "bound to this device";
 * whether an unbound artifact is acceptable is the app's policy to decide. The verifiers given
 * `deviceKey` (`createLicenseVerifier`'s `verify`, `verifyLicenseFile`) run this check themselves
 * and refuse anything but a match; this is for an app that wants to tell the cases apart.
 *
 * @example
 * const { claims } = await verifyLicenseFile(text, { jwks, audience: APP_ID, fingerprint });
 * const binding = await verifyBinding(claims, key);
 * if (!binding.matches) throw new Error(binding.bound ? "This license file belongs to another device." : "This license file is not bound to a device.");
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6
 */
export async function verifyBinding(tokenOrClaims: string | Record<string, unknown>, device: DeviceKeyLike): Promise<DeviceBinding> {
  let claims: Record<string, unknown>;
  try {
    claims = typeof tokenOrClaims === "string" ? decodeJwt(tokenOrClaims) : tokenOrClaims;
  } catch {
    return { bound: false, matches: false, reason: "MALFORMED" };
  }
  return claimsBinding(claims, device);
}

/** `verifyBinding` for verified claims: what the verifiers call (no JWT decoding pulled into their bundle). */
export async function claimsBinding(claims: Record<string, unknown>, device: DeviceKeyLike): Promise<DeviceBinding> {
  if (claims.cnf === undefined) return { bound: false, matches: false, reason: "UNBOUND" };
  const jkt = (claims.cnf as { jkt?: unknown } | null)?.jkt;
  if (typeof jkt !== "string" || jkt === "") return { bound: false, matches: false, reason: "MALFORMED" };
  const deviceJkt = await jktOf(device);
  return jkt === deviceJkt ? { bound: true, matches: true, jkt } : { bound: true, matches: false, jkt, deviceJkt };
}
