// Runs a conformance vector through the SDK (and, for air-gapped files, through the checks the
// service makes, in its order) and says what came out: the decoded output, or the error code.
// The tests compare that with the vector's `expected`.
import {
  ACTIVATION_REQUEST_LABEL,
  ACTIVATION_REQUEST_TYP,
  createLicenseVerifier,
  DEACTIVATION_PROOF_LABEL,
  DEACTIVATION_PROOF_TYP,
  decodeStatusList,
  type OfflinePurpose,
  offlineKeyFromHash,
  type SigningAlgorithm,
  statusAt,
  unarmor,
  verifyLicenseFile,
  verifyStatusList,
  verifyWebhook,
} from "@edge-license/sdk";
import { decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { activationRequestSchema, deactivationProofSchema } from "../../src/contract/device-fields.ts";
import { sha256Hex } from "../../src/crypto/hash.ts";
import { nonzeroBytes } from "./fixtures.ts";
import type { VectorCase, VectorFile } from "./vector-file.ts";

export type Outcome = { valid: true; [output: string]: unknown } | { valid: false; error: string; reason?: string };

/** services/offline-activations.ts: requests older than this are refused, and dated further ahead. */
const OFFLINE_MAX_AGE_S = 90 * 86_400;
const OFFLINE_FUTURE_SKEW_S = 86_400;

type Input = Record<string, any>;
const date = (seconds: number) => new Date(seconds * 1000);

async function token(file: VectorFile, input: Input): Promise<Outcome> {
  const verifier = createLicenseVerifier({
    issuer: input.issuer,
    audience: input.audience,
    algorithms: input.algorithms as SigningAlgorithm[],
    jwks: file.jwks as never,
  });
  const claims = await verifier.verify(input.token, { currentDate: date(input.now), fingerprint: input.fingerprint, requireLease: input.require_lease });
  return { valid: true, header: decodeProtectedHeader(input.token), claims };
}

async function licenseFile(file: VectorFile, input: Input): Promise<Outcome> {
  const out = await verifyLicenseFile(input.file, {
    jwks: file.jwks as never,
    issuer: input.issuer,
    audience: input.audience,
    algorithms: input.algorithms,
    licenseKey: input.license_key,
    fingerprint: input.fingerprint,
    statusList: input.status_list,
    requireFreshStatusList: input.require_fresh_status_list,
    now: date(input.now),
  });
  return { valid: true, claims: out.claims, encrypted: out.encrypted, machine: out.machine, list_status: out.listStatus };
}

async function statusList(file: VectorFile, input: Input, expected: Input): Promise<Outcome> {
  const claims = await verifyStatusList(input.token, { jwks: file.jwks as never, audience: input.audience, uri: input.uri, algorithms: input.algorithms });
  const bytes = await decodeStatusList(claims.status_list.lst);
  const indexes: number[] = (expected.statuses ?? []).map(([i]: [number]) => i);
  return {
    valid: true,
    header: decodeProtectedHeader(input.token),
    claims,
    statuses: indexes.map((i) => [i, statusAt(bytes, i)]),
    decompressed: { length: bytes.length, nonzero_bytes: nonzeroBytes(bytes) },
  };
}

/** The service's judgement of an uploaded request or proof (services/offline-activations.ts `open`), for one candidate license. */
async function airGapped(input: Input): Promise<Outcome> {
  const kind =
    input.kind === "activation-request"
      ? { label: ACTIVATION_REQUEST_LABEL, typ: ACTIVATION_REQUEST_TYP, schema: activationRequestSchema() }
      : { label: DEACTIVATION_PROOF_LABEL, typ: DEACTIVATION_PROOF_TYP, schema: deactivationProofSchema() };
  const refused = (reason: string): Outcome => ({ valid: false, error: "VALIDATION_FAILED", reason });
  const jws = unarmor(kind.label, input.text);
  if (!jws) return refused("armor");
  let unverified: unknown;
  try {
    unverified = decodeJwt(jws);
  } catch {
    return refused("armor");
  }
  const parsed = kind.schema.safeParse(unverified);
  if (!parsed.success) return refused("claims");
  if (parsed.data.iat < input.now - OFFLINE_MAX_AGE_S) return refused("age");
  if (parsed.data.iat > input.now + OFFLINE_FUTURE_SKEW_S) return refused("future");
  const key = await offlineKeyFromHash(await sha256Hex(input.license_key), input.kind as OfflinePurpose);
  try {
    await jwtVerify(jws, key, { typ: kind.typ, algorithms: ["HS256"], currentDate: date(input.now) });
  } catch {
    return refused("signature");
  }
  return { valid: true, header: decodeProtectedHeader(jws), claims: parsed.data };
}

async function webhook(input: Input): Promise<Outcome> {
  const event = await verifyWebhook(input.secret, input.headers, input.body, { now: date(input.now) });
  return { valid: true, signed_content: `${input.headers["webhook-id"]}.${input.headers["webhook-timestamp"]}.${input.body}`, event };
}

/** The vector's case, run: what the SDK (or the service's checks) answered. */
export async function run(file: VectorFile, c: VectorCase): Promise<Outcome> {
  const input = { now: file.now, ...c.input } as Input;
  try {
    switch (file.artifact) {
      case "license-token":
      case "lease-token":
        return await token(file, input);
      case "license-file":
      case "machine-file":
        return await licenseFile(file, input);
      case "status-list":
        return await statusList(file, input, c.expected);
      case "air-gapped":
        return await airGapped(input);
      case "webhook":
        return await webhook(input);
      default:
        throw new Error(`unknown artifact ${file.artifact}`);
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== "string") throw err;
    return { valid: false, error: code };
  }
}

/** The part of `expected` a run is compared with: intermediate values (key derivation, JWE) are checked separately. */
export function comparable(file: VectorFile, c: VectorCase): Outcome {
  if (!c.expected.valid) return c.expected;
  const { derivation: _d, jwe: _j, jwe_header: _h, header, ...rest } = c.expected as Input;
  // A file's header is not among verifyLicenseFile's outputs (vectors.ts checks it apart).
  const isFile = file.artifact === "license-file" || file.artifact === "machine-file";
  return { ...rest, valid: true, ...(isFile ? {} : { header }) };
}
