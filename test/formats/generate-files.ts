// License-file and machine-file vectors, signed (and sealed) by the service's own code
// (signLicenseFile), with the claims built as services/license-files.ts builds them, checked
// against the status lists of generate-status-lists.ts.
import { type LicenseFileClaims, licenseFileKey, unarmorLicenseFile } from "@edge-license/sdk";
import { CompactSign, decodeProtectedHeader } from "jose";
import { sha256Hex } from "../../src/crypto/hash.ts";
import { signLicenseFile } from "../../src/crypto/license-file.ts";
import { alterPayload, armorFile, DAY, FINGERPRINT, IDS, IDX, ISSUER, LICENSE_KEY, NOW, OTHER_FINGERPRINT, toHex, WRONG_LICENSE_KEY } from "./fixtures.ts";
import { LIST_URI, statusLists, statusListVectors } from "./generate-status-lists.ts";
import type { Signers, Tokens } from "./generate-tokens.ts";
import { invalid, type VectorCase, type VectorFile, valid, vectorFile } from "./vector-file.ts";

const ISSUED = NOW - DAY;

const POLICIES = {
  desktop: { id: IDS.policy, name: "Desktop, offline", binding_mode: "none", max_activations: 5 },
  machine: { id: IDS.machinePolicy, name: "One machine", binding_mode: "hardware", max_activations: 1 },
  floating: { id: IDS.floatingPolicy, name: "Studio seats", binding_mode: "none", max_activations: null },
};

/** A file's claims, in the order services/license-files.ts writes them. */
async function fileClaims(kind: "license" | "machine" | "borrowed"): Promise<LicenseFileClaims> {
  const exp = kind === "borrowed" ? NOW + 3 * DAY : ISSUED + 30 * DAY;
  const bound = kind !== "license";
  return {
    iss: ISSUER,
    sub: IDS.license,
    aud: IDS.application,
    iat: ISSUED,
    nbf: ISSUED,
    exp,
    jti: { license: IDS.licenseFile, machine: IDS.machineFile, borrowed: IDS.borrowedFile }[kind],
    license_status: "active",
    license_exp: NOW + 365 * DAY,
    plan: kind === "borrowed" ? "team" : "pro",
    features: kind === "borrowed" ? ["render"] : ["export", "sync"],
    policy: { license: POLICIES.desktop, machine: POLICIES.machine, borrowed: POLICIES.floating }[kind],
    ...(kind === "machine" ? { activation_id: IDS.activation } : {}),
    ...(bound ? { fingerprint_sha256: await sha256Hex(FINGERPRINT) } : {}),
    ...(kind === "borrowed" ? { lease_id: IDS.borrowedLease } : {}),
    status: { status_list: { idx: { license: IDX.license, machine: IDX.activation, borrowed: IDX.borrowed }[kind], uri: LIST_URI } },
  };
}

const jwsOf = (file: string) => unarmorLicenseFile(file)!;
const textOf = (part: string) => new TextDecoder().decode(Uint8Array.from(atob(part.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

/** What a verifier must answer for a file it accepts. */
const accepted = (file: string, claims: LicenseFileClaims, encrypted: boolean, listStatus: string) => ({
  header: decodeProtectedHeader(jwsOf(file)),
  claims,
  encrypted,
  machine: typeof claims.fingerprint_sha256 === "string",
  list_status: listStatus,
});

/** An encrypted file's intermediate values: the key derivation, the JWE the signature covers, its header. */
async function sealed(file: string, fingerprint?: string) {
  const keyHash = await sha256Hex(LICENSE_KEY);
  const jwe = textOf(jwsOf(file).split(".")[1]!);
  return {
    derivation: {
      license_key_sha256: keyHash,
      hkdf: {
        hash: "SHA-256",
        ikm: keyHash,
        salt: "edge-license",
        info: fingerprint === undefined ? "license-file/v1" : `license-file/v1\n${fingerprint}`,
        length: 32,
      },
      key_hex: toHex(await licenseFileKey(LICENSE_KEY, fingerprint)),
    },
    jwe,
    jwe_header: decodeProtectedHeader(jwe),
  };
}

export async function fileVectors(
  s: Signers,
  tokens: Tokens,
): Promise<{ plainJws: string; files: Record<"license-file.json" | "machine-file.json" | "status-list.json", VectorFile> }> {
  const license = await fileClaims("license");
  const machine = await fileClaims("machine");
  const borrowed = await fileClaims("borrowed");
  const keyHash = await sha256Hex(LICENSE_KEY);
  const plain = await signLicenseFile(s.rs, license);
  const encrypted = await signLicenseFile(s.rs, license, { keyHash });
  const machineFile = await signLicenseFile(s.rs, machine);
  const encryptedMachine = await signLicenseFile(s.rs, machine, { keyHash, fingerprint: FINGERPRINT });
  const borrowedFile = await signLicenseFile(s.rs, borrowed);
  const lists = await statusLists(s);
  const attackerSigned = (header: Record<string, unknown>) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(license)))
      .setProtectedHeader({ alg: "EdDSA", kid: s.attacker.kid, typ: "license-file+jwt", ...header })
      .sign(s.attacker.key);

  const base = { issuer: ISSUER, audience: IDS.application, algorithms: ["RS256", "ES256", "EdDSA"], now: NOW };
  const withList = { ...base, status_list: lists.current };
  const licenseCases: VectorCase[] = [
    valid(
      "valid",
      "A license file checked against a current status list that has its entry valid.",
      { ...withList, file: plain },
      accepted(plain, license, false, "valid"),
    ),
    valid("valid-no-status-list", "The same file with no status list given.", { ...base, file: plain }, accepted(plain, license, false, "unchecked")),
    valid("valid-unarmored", "The bare compact JWS, without armor lines.", { ...base, file: jwsOf(plain) }, accepted(plain, license, false, "unchecked")),
    valid(
      "valid-at-clock-tolerance",
      "30 s past `exp`: a file is expired once `now > exp + 30`.",
      { ...base, file: plain, now: license.exp! + 30 },
      accepted(plain, license, false, "unchecked"),
    ),
    valid(
      "valid-encrypted",
      "An encrypted license file opened with the license key.",
      { ...withList, file: encrypted, license_key: LICENSE_KEY },
      { ...accepted(encrypted, license, true, "valid"), ...(await sealed(encrypted)) },
    ),
    valid(
      "valid-stale-status-list",
      "A list past its `exp` that revokes nothing: accepted, reported `stale`.",
      { ...base, file: plain, status_list: lists.stale },
      accepted(plain, license, false, "stale"),
    ),
    invalid("expired", "31 s past `exp`.", { ...base, file: plain, now: license.exp! + 31 }, "ERR_FILE_EXPIRED"),
    invalid("clock-behind-iat", "The device's clock is 31 s behind the file's `iat`.", { ...base, file: plain, now: license.iat - 31 }, "ERR_CLOCK_TAMPERED"),
    invalid("wrong-audience", "Another application's verifier.", { ...base, audience: IDS.otherApplication, file: plain }, "ERR_FILE_CLAIM_INVALID"),
    invalid("wrong-issuer", "Another issuer.", { ...base, issuer: "https://license.example.net", file: plain }, "ERR_FILE_CLAIM_INVALID"),
    invalid(
      "altered-payload",
      "The claims were changed after signing (`features`), the signature kept.",
      { ...base, file: armorFile(alterPayload(jwsOf(plain), (c) => (c.features = ["export", "sync", "unlimited"]))) },
      "ERR_FILE_SIGNATURE_INVALID",
    ),
    invalid(
      "jwk-header",
      "Signed by an attacker's key that the header carries (`jwk`).",
      { ...base, file: armorFile(await attackerSigned({ jwk: s.attacker.publicJwk })) },
      "ERR_FILE_ALG_NOT_ALLOWED",
    ),
    invalid("unknown-kid", "Signed by a key outside the JWKS.", { ...base, file: armorFile(await attackerSigned({})) }, "ERR_FILE_KEY_NOT_FOUND"),
    invalid(
      "algorithm-not-allowed",
      "An RS256 file for a verifier that allows EdDSA only.",
      { ...base, algorithms: ["EdDSA"], file: plain },
      "ERR_FILE_ALG_NOT_ALLOWED",
    ),
    invalid(
      "license-token-as-file",
      "A license token (`typ` license+jwt) armored as a file.",
      { ...base, file: armorFile(tokens.deviceBound) },
      "ERR_FILE_TYP_INVALID",
    ),
    invalid("malformed", "Armor around something that is not a compact JWS.", { ...base, file: armorFile("not.a-jws") }, "ERR_FILE_MALFORMED"),
    invalid("encrypted-no-license-key", "An encrypted file and no license key.", { ...base, file: encrypted }, "ERR_FILE_KEY_REQUIRED"),
    invalid(
      "encrypted-wrong-license-key",
      "An encrypted file and another license key (same visible prefix).",
      { ...base, file: encrypted, license_key: WRONG_LICENSE_KEY },
      "ERR_FILE_DECRYPTION_FAILED",
    ),
    invalid("revoked", "The status list marks the license's entry 1 (revoked).", { ...base, file: plain, status_list: lists.revoked }, "ERR_LICENSE_REVOKED"),
    invalid(
      "suspended",
      "The status list marks the license's entry 2 (suspended).",
      { ...base, file: plain, status_list: lists.suspended },
      "ERR_LICENSE_SUSPENDED",
    ),
    invalid(
      "revoked-by-stale-list",
      "A list past its `exp` still revokes: a refusal holds whatever the list's age.",
      { ...base, file: plain, status_list: lists.staleRevoked },
      "ERR_LICENSE_REVOKED",
    ),
    invalid(
      "stale-list-fresh-required",
      "A list past its `exp` when the app requires a fresh one.",
      { ...base, file: plain, status_list: lists.stale, require_fresh_status_list: true },
      "ERR_STATUS_LIST_STALE",
    ),
    invalid(
      "status-list-of-another-seller",
      "A list whose `aud` names another tenant and its applications.",
      { ...base, file: plain, status_list: lists.otherSeller },
      "ERR_STATUS_LIST_INVALID",
    ),
    invalid(
      "status-list-other-uri",
      "A list whose `sub` is not the file's `status_list.uri`.",
      { ...base, file: plain, status_list: lists.otherUri },
      "ERR_STATUS_LIST_INVALID",
    ),
  ];

  const device = { ...base, fingerprint: FINGERPRINT };
  const machineCases: VectorCase[] = [
    valid(
      "valid",
      "A machine file on its device, with a current status list.",
      { ...device, status_list: lists.current, file: machineFile },
      accepted(machineFile, machine, false, "valid"),
    ),
    valid(
      "valid-encrypted",
      "An encrypted machine file opened with the license key and the device's fingerprint.",
      { ...device, status_list: lists.current, file: encryptedMachine, license_key: LICENSE_KEY },
      { ...accepted(encryptedMachine, machine, true, "valid"), ...(await sealed(encryptedMachine, FINGERPRINT)) },
    ),
    valid(
      "valid-borrowed-seat",
      "A borrowed floating seat's file: `lease_id`, no `activation_id`, `exp` the borrow's end.",
      { ...device, status_list: lists.current, file: borrowedFile },
      accepted(borrowedFile, borrowed, false, "valid"),
    ),
    invalid("wrong-fingerprint", "Another device's fingerprint.", { ...device, fingerprint: OTHER_FINGERPRINT, file: machineFile }, "ERR_FILE_WRONG_MACHINE"),
    invalid("no-fingerprint", "No fingerprint given.", { ...base, file: machineFile }, "ERR_FILE_WRONG_MACHINE"),
    invalid(
      "encrypted-wrong-fingerprint",
      "The right license key, another device's fingerprint: the derived key differs.",
      { ...device, fingerprint: OTHER_FINGERPRINT, file: encryptedMachine, license_key: LICENSE_KEY },
      "ERR_FILE_DECRYPTION_FAILED",
    ),
    invalid(
      "encrypted-no-fingerprint",
      "The license key but no fingerprint.",
      { ...base, file: encryptedMachine, license_key: LICENSE_KEY },
      "ERR_FILE_KEY_REQUIRED",
    ),
    invalid(
      "encrypted-wrong-license-key",
      "The device's fingerprint and another license key.",
      { ...device, file: encryptedMachine, license_key: WRONG_LICENSE_KEY },
      "ERR_FILE_DECRYPTION_FAILED",
    ),
    invalid(
      "seat-released",
      "The list marks the activation's entry 1: the device was deactivated.",
      { ...device, file: machineFile, status_list: lists.released },
      "ERR_LICENSE_REVOKED",
    ),
    invalid(
      "borrow-released",
      "The list marks the borrowed lease's entry 1: the seat was released.",
      { ...device, file: borrowedFile, status_list: lists.released },
      "ERR_LICENSE_REVOKED",
    ),
    invalid(
      "license-suspended",
      "A suspended license marks every entry of the license 2.",
      { ...device, file: machineFile, status_list: lists.suspended },
      "ERR_LICENSE_SUSPENDED",
    ),
  ];

  return {
    plainJws: jwsOf(plain),
    files: {
      "license-file.json": vectorFile("license-file", "docs/formats.md#4-license-files", NOW, licenseCases, s.jwks),
      "machine-file.json": vectorFile("machine-file", "docs/formats.md#5-machine-files", NOW, machineCases, s.jwks),
      ...(await statusListVectors(s, lists, tokens)),
    },
  };
}
