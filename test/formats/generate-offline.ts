// Air-gapped request and deactivation-proof vectors, written by the SDK's own createActivationRequest
// and createDeactivationProof. The service judges them (services/offline-activations.ts): armor,
// the claims' schema (contract/device-fields.ts), age, then the HMAC; every refusal is a 422
// VALIDATION_FAILED, and `reason` says which check refused.
import {
  ACTIVATION_REQUEST_LABEL,
  ACTIVATION_REQUEST_TYP,
  armor,
  createActivationRequest,
  createDeactivationProof,
  DEACTIVATION_PROOF_LABEL,
  DEACTIVATION_PROOF_TYP,
  type OfflinePurpose,
  offlineKeyFromHash,
  unarmor,
} from "@edge-license/sdk";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { sha256Hex } from "../../src/crypto/hash.ts";
import { alterPayload, DAY, FINGERPRINT, IDS, LICENSE_KEY, NOW, OTHER_FINGERPRINT, toHex, WRONG_LICENSE_KEY } from "./fixtures.ts";
import { invalid, type VectorCase, type VectorFile, valid, vectorFile } from "./vector-file.ts";

const at = (seconds: number) => new Date(seconds * 1000);
const REFUSED = "VALIDATION_FAILED";

/** What the service reads from a file it accepts, and the HMAC key a port must derive. */
async function accepted(text: string, label: string, purpose: OfflinePurpose) {
  const jws = unarmor(label, text)!;
  const keyHash = await sha256Hex(LICENSE_KEY);
  return {
    header: decodeProtectedHeader(jws),
    claims: decodeJwt(jws),
    derivation: {
      license_key_sha256: keyHash,
      hkdf: { hash: "SHA-256", ikm: keyHash, salt: "edge-license", info: `${purpose}/v1`, length: 32 },
      key_hex: toHex(await offlineKeyFromHash(keyHash, purpose)),
    },
  };
}

/** Claims signed under `licenseKey`'s key for `purpose`, exactly as the SDK signs them (what the SDK will not write: unknown claims). */
async function signed(purpose: OfflinePurpose, typ: string, label: string, claims: Record<string, unknown>, licenseKey = LICENSE_KEY) {
  const key = await offlineKeyFromHash(await sha256Hex(licenseKey), purpose);
  return armor(label, await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ }).sign(key));
}

export async function airGappedVectors(): Promise<Record<"air-gapped.json", VectorFile>> {
  const request = (licenseKey: string, iat: number, extra: { metadata?: Record<string, unknown> } = {}) =>
    createActivationRequest({ licenseKey, fingerprint: FINGERPRINT, name: "render-node-07", metadata: { os: "linux", cores: 32 }, ...extra, now: at(iat) });
  const good = await request(LICENSE_KEY, NOW - 3 * DAY);
  const proof = await createDeactivationProof({ licenseKey: LICENSE_KEY, fingerprint: FINGERPRINT, activationId: IDS.activation, now: at(NOW - DAY) });
  const proofClaims = decodeJwt(unarmor(DEACTIVATION_PROOF_LABEL, proof)!);
  const oldest = await request(LICENSE_KEY, NOW - 90 * DAY);

  const req = { kind: "activation-request", license_key: LICENSE_KEY, now: NOW };
  const prf = { kind: "deactivation-proof", license_key: LICENSE_KEY, now: NOW };
  const cases: VectorCase[] = [
    valid(
      "valid-activation-request",
      "A request written 3 days before upload, with a device name and metadata.",
      { ...req, text: good },
      await accepted(good, ACTIVATION_REQUEST_LABEL, "activation-request"),
    ),
    valid(
      "valid-90-days-old",
      "Exactly 90 days old: the oldest accepted.",
      { ...req, text: oldest },
      await accepted(oldest, ACTIVATION_REQUEST_LABEL, "activation-request"),
    ),
    valid(
      "valid-deactivation-proof",
      "A removal proof naming the activation it ends.",
      { ...prf, text: proof },
      await accepted(proof, DEACTIVATION_PROOF_LABEL, "deactivation-proof"),
    ),
    invalid(
      "altered",
      "The fingerprint changed after signing.",
      {
        ...req,
        text: armor(
          ACTIVATION_REQUEST_LABEL,
          alterPayload(unarmor(ACTIVATION_REQUEST_LABEL, good)!, (c) => (c.fingerprint = OTHER_FINGERPRINT)),
        ),
      },
      REFUSED,
      "signature",
    ),
    invalid(
      "wrong-license-key",
      "Made with another license key that has the same visible prefix (`lk_Test`).",
      { ...req, text: await request(WRONG_LICENSE_KEY, NOW - DAY) },
      REFUSED,
      "signature",
    ),
    invalid("too-old", "90 days and 1 second old.", { ...req, text: await request(LICENSE_KEY, NOW - 90 * DAY - 1) }, REFUSED, "age"),
    invalid("from-the-future", "Dated 1 day and 1 second after the upload.", { ...req, text: await request(LICENSE_KEY, NOW + DAY + 1) }, REFUSED, "future"),
    invalid(
      "unknown-claim",
      "Correctly signed, with a claim the schema does not know (`seats`).",
      {
        ...req,
        text: await signed("activation-request", ACTIVATION_REQUEST_TYP, ACTIVATION_REQUEST_LABEL, {
          ...decodeJwt(unarmor(ACTIVATION_REQUEST_LABEL, good)!),
          seats: 10,
        }),
      },
      REFUSED,
      "claims",
    ),
    invalid(
      "metadata-too-deep",
      "Metadata nested 5 levels deep (at most 4).",
      { ...req, text: await request(LICENSE_KEY, NOW - DAY, { metadata: { a: { b: { c: { d: { e: 1 } } } } } }) },
      REFUSED,
      "claims",
    ),
    invalid(
      "not-armored",
      "Text that is neither the armored request nor a compact JWS.",
      { ...req, text: "-----BEGIN ACTIVATION REQUEST-----\nplease activate me\n-----END ACTIVATION REQUEST-----\n" },
      REFUSED,
      "armor",
    ),
    invalid(
      "proof-without-activation-id",
      "A correctly signed proof that names no activation.",
      { ...prf, text: await signed("deactivation-proof", DEACTIVATION_PROOF_TYP, DEACTIVATION_PROOF_LABEL, { ...proofClaims, activation_id: undefined }) },
      REFUSED,
      "claims",
    ),
    invalid(
      "proof-under-request-key",
      "Proof claims HMAC'd under the activation-request key: each purpose has its own key.",
      { ...prf, text: await signed("activation-request", DEACTIVATION_PROOF_TYP, DEACTIVATION_PROOF_LABEL, proofClaims) },
      REFUSED,
      "signature",
    ),
  ];
  return { "air-gapped.json": vectorFile("air-gapped", "docs/formats.md#6-air-gapped-activation-request-and-deactivation-proof", NOW, cases) };
}
