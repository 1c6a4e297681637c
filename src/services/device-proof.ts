// A request's DPoP proof (RFC 9449) and what the license's policy makes of it. The proof is
// checked once per request, only when the request carries one (crypto/dpop.ts, section 4.3); its
// replay key is handed to the first license lookup of the request, which records it and says
// whether it was there already, in the same statement (db/repositories/license-records.ts). The
// policy's rule is applied by `proofRefusal`, which the refusal model (license-validation.ts)
// runs for every device route, so no route that hands out a credential can skip it.
import type { ProofOfPossession } from "../contract/licenses";
import { DPOP_ALGS, DPOP_JTI_TTL_S, DPOP_REFUSAL_CODES, type DpopCheck, type DpopRefusalCode, dpopJtiKey, verifyDpopProof } from "../crypto/dpop";
import { AppError } from "../errors";

/** What a request offers: its `DPoP` header (null when absent), method and URL. */
export interface ProofSource {
  header: string | null;
  htm: string;
  htu: string;
}

/** The proof as the refusal model judges it. */
export interface ProofState {
  /** undefined: the request carried no `DPoP` header. */
  check: DpopCheck | undefined;
  /** Its `jti` had been used before (by any isolate, or by this one while the database was out). */
  replayed: boolean;
  /** The clock the proof was judged by (Unix seconds): a stale proof's refusal tells the device. */
  now?: number;
}

export interface DeviceProof {
  /** The replay key for the request's first lookup to record, once; undefined without a valid proof. */
  lookupKey(): Promise<string | undefined>;
  /** After the lookup that recorded `lookupKey()`: whether the key was there already. */
  recorded(replayed: boolean | undefined): void;
  /** The settled proof, for `proofRefusal`. */
  state(): Promise<ProofState>;
}

/** Keys this isolate saw while no lookup could record them (a database outage): bounded, swept by age. */
const seenOffline = new Map<string, number>();
const MAX_SEEN_OFFLINE = 50_000;

function seenBefore(key: string, nowMs: number): boolean {
  if (seenOffline.size >= MAX_SEEN_OFFLINE) {
    for (const [k, until] of seenOffline) if (until <= nowMs) seenOffline.delete(k);
    if (seenOffline.size >= MAX_SEEN_OFFLINE) seenOffline.clear();
  }
  const until = seenOffline.get(key);
  if (until !== undefined && until > nowMs) return true;
  seenOffline.set(key, nowMs + DPOP_JTI_TTL_S * 1000);
  return false;
}

/** No proof at all (scheduled work, admin routes, tests): every lookup records nothing. */
export const NO_PROOF: DeviceProof = {
  lookupKey: async () => undefined,
  recorded: () => {},
  state: async () => ({ check: undefined, replayed: false }),
};

/** The proof of one request; nothing is parsed unless it carries a `DPoP` header. */
export function requestProof(source: ProofSource | undefined, clock: () => number = Date.now): DeviceProof {
  if (!source || source.header === null) return NO_PROOF;
  let checked: Promise<{ check: DpopCheck; key?: string }> | undefined;
  const checkOnce = () => {
    checked ??= (async () => {
      const check = await verifyDpopProof(source.header, { htm: source.htm, htu: source.htu, now: Math.floor(clock() / 1000) });
      return check.ok ? { check, key: await dpopJtiKey(check.jkt, check.jti) } : { check };
    })();
    return checked;
  };
  let handedOut = false;
  let replayed: boolean | undefined;
  return {
    async lookupKey() {
      const { key } = await checkOnce();
      if (!key || handedOut) return undefined;
      handedOut = true;
      return key;
    },
    recorded(value) {
      if (value !== undefined) replayed = value;
    },
    async state() {
      const { check, key } = await checkOnce();
      // A key handed to a lookup that never answered (the database is out): this isolate's memory decides.
      if (key && replayed === undefined) replayed = seenBefore(key, clock());
      return { check, replayed: replayed ?? false, now: Math.floor(clock() / 1000) };
    },
  };
}

/**
 * Runs a license lookup with the proof's replay key (the first lookup of the request records it)
 * and notes whether it was a replay; answers the lookup's result and the settled proof.
 */
export async function lookupWithProof<T>(
  proof: DeviceProof,
  read: (proofKey: string | undefined) => Promise<T>,
  replayed: (found: T) => boolean | undefined,
): Promise<{ found: T; proof: ProofState }> {
  const proofKey = await proof.lookupKey();
  const found = await read(proofKey);
  if (proofKey) proof.recorded(replayed(found));
  return { found, proof: await proof.state() };
}

/** `WWW-Authenticate` of a refused proof (RFC 9449 section 7.1, with the algorithms we accept). */
export const DPOP_CHALLENGE = `DPoP error="invalid_dpop_proof", algs="${DPOP_ALGS.join(" ")}"`;

export type ProofErrorCode = DpopRefusalCode | "DPOP_PROOF_REPLAYED" | "DPOP_KEY_MISMATCH";
/** Every code a refused proof answers with (all 401). */
export const DPOP_ERROR_CODES: readonly ProofErrorCode[] = [...DPOP_REFUSAL_CODES, "DPOP_PROOF_REPLAYED", "DPOP_KEY_MISMATCH"];

/**
 * The 401 a refused proof is. A stale one says the service's time (`details.server_time`, Unix
 * seconds): browsers cannot read `Date` across origins, and a device whose clock is off can then
 * correct its proofs' `iat` instead of failing every request.
 */
export function proofError(code: ProofErrorCode, message: string, now?: number): AppError {
  const details = code === "DPOP_PROOF_STALE" && now !== undefined ? { server_time: now } : undefined;
  return new AppError(code, message, { headers: { "WWW-Authenticate": DPOP_CHALLENGE }, ...(details ? { details } : {}) });
}

/**
 * The policy's rule for a request that stands on an activation bound to `jkt` (null: not key-bound):
 * the error to refuse with, or the thumbprint the issued artifacts are bound to (undefined: none).
 * `none` ignores proofs; `optional` asks a proof only of a key-bound device; `required` of every one.
 */
export function proofRefusal(mode: ProofOfPossession, jkt: string | null | undefined, proof: ProofState): { error: AppError } | { jkt?: string } {
  if (mode === "none" || (mode === "optional" && !jkt)) return {};
  const check = proof.check;
  if (!check) return { error: proofError("DPOP_PROOF_MISSING", "This device is bound to a key: send a DPoP proof (a `DPoP` header) made with it.") };
  if (!check.ok) return { error: proofError(check.code, check.message, proof.now) };
  if (!jkt) {
    return {
      error: proofError("DPOP_KEY_MISMATCH", "This device's activation is bound to no key yet: activate it again with a DPoP proof to bind it."),
    };
  }
  if (check.jkt !== jkt) return { error: proofError("DPOP_KEY_MISMATCH", "The DPoP proof is made with another key than the one this device is bound to.") };
  if (proof.replayed) return { error: proofError("DPOP_PROOF_REPLAYED", "This DPoP proof was used before: make a new one per request.") };
  return { jkt };
}

/**
 * What activate binds: the key of a valid, fresh proof (or none without one, unless the policy
 * requires it). A device already bound to a key must prove that key; one bound to none takes this
 * one (so a policy switched to `required` can bind the devices it already has).
 */
export function proofToBind(mode: ProofOfPossession, held: string | null | undefined, proof: ProofState): { error: AppError } | { jkt?: string } {
  if (mode === "none") return {};
  if (held) return proofRefusal(mode, held, proof);
  const check = proof.check;
  if (!check && mode === "optional") return {};
  if (!check) return { error: proofError("DPOP_PROOF_MISSING", "This license's policy binds devices to a key: activate with a DPoP proof (a `DPoP` header).") };
  if (!check.ok) return { error: proofError(check.code, check.message, proof.now) };
  if (proof.replayed) return { error: proofError("DPOP_PROOF_REPLAYED", "This DPoP proof was used before: make a new one per request.") };
  return { jkt: check.jkt };
}
