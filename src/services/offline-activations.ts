// Air-gapped activation and deactivation, uploaded by the seller: a request file (or removal
// proof) written by the SDK on a device that never reaches the service. The file names its
// license by the key's visible prefix and is HMAC'd under a key derived from the license key, so
// it is checked against the stored key hash of each candidate license. Its claims are judged by
// the same schemas and limits as the activate body (contract/device-fields.ts). A request then
// takes a seat exactly as activate does (same limit, events; its nonce is the Idempotency-Key, so
// a re-upload replays the first answer), and the device gets its machine file. A removal proof
// names the activation it ends, so it frees that seat once and never the device's next one.
// A device with a key (DPoP, services/device-proof.ts) puts a proof of it in the file
// (`device_proof`, bound to the file by its nonce): the activation is bound to the key, and a
// key-bound device's removal proof must carry it, which a copy of the database cannot forge.
import {
  ACTIVATION_REQUEST_LABEL,
  ACTIVATION_REQUEST_TYP,
  type ActivationRequestClaims,
  DEACTIVATION_PROOF_LABEL,
  DEACTIVATION_PROOF_TYP,
  type DeactivationProofClaims,
  type OfflinePurpose,
  offlineKeyFromHash,
  unarmor,
} from "@edge-license/sdk";
import { decodeJwt, jwtVerify } from "jose";
import type { z } from "zod";
import { activationRequestSchema, deactivationProofSchema } from "../contract/device-fields";
import { verifyDpopProof } from "../crypto/dpop";
import { type ActivationRow, findLiveActivationOf } from "../db/repositories/activations";
import { findLicensesByKeyPrefix, getLicense, type LicenseRow } from "../db/repositories/licenses";
import { getPolicy } from "../db/repositories/policies";
import { AppError, notFound } from "../errors";
import type { activationService } from "./activations";
import { requireActor } from "./actor";
import type { ServiceDeps } from "./context";
import type { CheckedOut, licenseFileService } from "./license-files";

/** Requests older than this are refused: a device that waited longer makes a new one. */
export const OFFLINE_REQUEST_MAX_AGE_S = 90 * 86_400;
/** A device clock this far ahead of ours is still believed (a request is not valid "from the future" beyond it). */
const FUTURE_SKEW_S = 86_400;

const badFile = (message: string, details?: unknown) => new AppError("VALIDATION_FAILED", message, { details: details ?? [{ path: "request", message }] });

interface Kind<C> {
  label: string;
  typ: string;
  purpose: OfflinePurpose;
  noun: string;
  /** The claims' schema: the activate body's limits (checked before the signature, per candidate license, is). */
  schema: () => z.ZodType<C>;
}

const REQUEST: Kind<ActivationRequestClaims> = {
  label: ACTIVATION_REQUEST_LABEL,
  typ: ACTIVATION_REQUEST_TYP,
  purpose: "activation-request",
  noun: "activation request",
  schema: activationRequestSchema,
};

const PROOF: Kind<DeactivationProofClaims & { activation_id: string }> = {
  label: DEACTIVATION_PROOF_LABEL,
  typ: DEACTIVATION_PROOF_TYP,
  purpose: "deactivation-proof",
  noun: "deactivation proof",
  schema: deactivationProofSchema,
};

export function offlineActivationService(
  deps: ServiceDeps,
  activations: ReturnType<typeof activationService>,
  licenseFiles: ReturnType<typeof licenseFileService>,
) {
  /** The file's license (one of the seller's) and its claims, once its HMAC matches that license's key. */
  async function open<C extends { key_prefix: string; iat: number }>(kind: Kind<C>, text: string, licenseId: string | undefined, now: Date) {
    const tenantId = requireActor(deps).tenantId;
    const jws = unarmor(kind.label, text);
    if (!jws) throw badFile(`Not an ${kind.noun}: expected -----BEGIN ${kind.label}----- and a compact JWS.`);
    let unverified: Record<string, unknown>;
    try {
      unverified = decodeJwt(jws);
    } catch {
      throw badFile(`The ${kind.noun} is malformed.`);
    }
    const parsed = kind.schema().safeParse(unverified);
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({ path: ["request", ...issue.path].join("."), message: issue.message }));
      throw badFile(`The ${kind.noun}'s claims are invalid.`, details);
    }
    const claims = parsed.data;
    const nowS = Math.floor(now.getTime() / 1000);
    if (claims.iat < nowS - OFFLINE_REQUEST_MAX_AGE_S) throw badFile(`The ${kind.noun} is older than 90 days: make a new one.`);
    if (claims.iat > nowS + FUTURE_SKEW_S) throw badFile(`The ${kind.noun} is dated in the future: check the device's clock.`);

    const db = deps.db();
    const candidates: LicenseRow[] = licenseId
      ? [await getLicense(db, tenantId, licenseId)].filter((l): l is LicenseRow => l !== undefined)
      : await findLicensesByKeyPrefix(db, tenantId, claims.key_prefix);
    if (candidates.length === 0) throw notFound("License");
    for (const license of candidates) {
      try {
        await jwtVerify(jws, await offlineKeyFromHash(license.keyHash, kind.purpose), { typ: kind.typ, algorithms: ["HS256"], currentDate: now });
        return { license, claims };
      } catch {
        // Another license with the same prefix, or a forged or altered file: try the next.
      }
    }
    throw badFile(`The ${kind.noun} was not made with the key of ${licenseId ? "this license" : "any of your licenses"}, or it was altered.`);
  }

  /**
   * The device key a file was made with (its `device_proof`: a DPoP proof for `path` whose `nonce`
   * is the file's), or undefined for a file without one. Its `iat` may be as old as the file.
   */
  async function deviceKeyOf(claims: { nonce: string; device_proof?: string }, path: string, noun: string, now: Date): Promise<string | undefined> {
    if (claims.device_proof === undefined) return undefined;
    const check = await verifyDpopProof(claims.device_proof, {
      htm: "POST",
      htu: `${deps.config.issuer()}${path}`,
      now: Math.floor(now.getTime() / 1000),
      maxAgeS: OFFLINE_REQUEST_MAX_AGE_S,
      maxFutureS: FUTURE_SKEW_S,
    });
    const refused = (message: string) => badFile(`The ${noun}'s device key proof is refused: ${message}`, [{ path: "request.device_proof", message }]);
    if (!check.ok) throw refused(check.message);
    if (check.nonce !== claims.nonce) throw refused("it was made for another file (its `nonce` is not this file's).");
    return check.jkt;
  }

  /** The policy's device key rule for a license (none when the policy is gone). */
  const proofMode = async (license: LicenseRow) => (await getPolicy(deps.db(), license.tenantId, license.policyId))?.proofOfPossession ?? "none";

  return {
    /** Takes a seat for the requesting device and answers its machine file. */
    async activate(input: { request: string; licenseId?: string; ttlS?: number | null; encrypt: boolean; now: Date }) {
      const { license, claims } = await open(REQUEST, input.request, input.licenseId, input.now);
      const deviceJkt = await deviceKeyOf(claims, "/v1/offline/activations", REQUEST.noun, input.now);
      if (deviceJkt === undefined && (await proofMode(license)) === "required") {
        throw badFile(
          "This license's policy requires device keys: make the request with the device's key (the SDK's `createActivationRequest({ deviceKey })`).",
          [{ path: "request.device_proof", message: "Required" }],
        );
      }
      const seat = await activations.activate({
        licenseKey: "",
        keyHash: license.keyHash,
        fingerprint: claims.fingerprint,
        name: claims.name,
        metadata: claims.metadata,
        idempotencyKey: `offline:${claims.nonce}`,
        deviceJkt,
        audit: true,
        now: input.now,
      });
      const file: CheckedOut = await licenseFiles.checkout(license.id, {
        activationId: seat.activation.id,
        ttlS: input.ttlS,
        encrypt: input.encrypt,
        now: input.now,
      });
      return { ...seat, file };
    },

    /** Frees the seat a removal proof names: that activation of that device, once (a replay finds it released). */
    async deactivate(input: { proof: string; licenseId?: string; now: Date }): Promise<ActivationRow> {
      const { license, claims } = await open(PROOF, input.proof, input.licenseId, input.now);
      const live = await findLiveActivationOf(deps.db(), license.tenantId, license.id, { id: claims.activation_id, fingerprint: claims.fingerprint });
      if (!live) {
        throw new AppError("ACTIVATION_NOT_FOUND", "The activation this proof names is not live (already released): a proof frees its seat once.");
      }
      // A key-bound device's removal must be signed by its key: the license key alone (or its hash) is not enough.
      if (live.dpopJkt && (await proofMode(license)) !== "none") {
        const jkt = await deviceKeyOf(claims, "/v1/offline/deactivations", PROOF.noun, input.now);
        if (jkt !== live.dpopJkt) {
          const message = "This device is bound to a key: the proof must carry a device key proof made with it (`createDeactivationProof({ deviceKey })`).";
          throw badFile(message, [{ path: "request.device_proof", message: jkt === undefined ? "Required" : "Made with another key" }]);
        }
      }
      const [released] = await activations.release(license.id, live.id);
      return released!;
    },
  };
}
