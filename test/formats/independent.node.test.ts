// A port proves itself on the vectors: independent-verifier.mjs, written from docs/formats.md alone
// with jose and node:crypto, opens the encrypted license file and the encrypted machine file,
// checks their signature, audience and machine binding, and gives every expected outcome of the
// file, status-list, air-gapped and webhook vectors (the same codes as the SDK).
import { describe, expect, it } from "vitest";
import { COMMITTED } from "./committed.ts";
import { toHex } from "./fixtures.ts";
import * as independent from "./independent-verifier.mjs";
import source from "./independent-verifier.mjs?raw";
import type { VectorCase, VectorFile, VectorFileName } from "./vector-file.ts";

type Input = Record<string, any>;
type Outcome = Record<string, unknown>;

async function outcome(answer: () => unknown): Promise<Outcome> {
  try {
    return { valid: true, ...((await answer()) as Outcome) };
  } catch (err) {
    if (!(err instanceof independent.FormatError)) throw err;
    // Air-gapped refusals are all VALIDATION_FAILED; the message names the check (the vectors' `reason`).
    return err.code === "VALIDATION_FAILED"
      ? { valid: false, error: err.code, reason: err.message.slice(err.code.length + 2) }
      : { valid: false, error: err.code };
  }
}

const fileOptions = (file: VectorFile, input: Input) => ({
  jwks: file.jwks!,
  audience: input.audience,
  issuer: input.issuer,
  now: input.now ?? file.now,
  algorithms: input.algorithms,
  licenseKey: input.license_key,
  fingerprint: input.fingerprint,
  statusList: input.status_list,
  requireFreshStatusList: input.require_fresh_status_list,
});

/** What the independent verifier answers for a case, in the vectors' terms. */
function answer(file: VectorFile, c: VectorCase): Promise<Outcome> {
  const input = c.input as Input;
  const now = input.now ?? file.now;
  switch (file.artifact) {
    case "license-file":
    case "machine-file":
      return outcome(async () => {
        const out = await independent.verifyLicenseFile(input.file, fileOptions(file, input));
        return { claims: out.claims, encrypted: out.encrypted, machine: out.machine, list_status: out.listStatus };
      });
    case "status-list":
      return outcome(async () => {
        const { claims, bytes } = await independent.verifyStatusList(input.token, { jwks: file.jwks!, audience: input.audience, uri: input.uri });
        const indexes: number[] = ((c.expected as Input).statuses ?? []).map(([i]: [number]) => i);
        return { claims, statuses: indexes.map((i) => [i, independent.statusAt(bytes, i)]) };
      });
    case "air-gapped":
      return outcome(() => independent.verifyAirGapped(input.kind, input.text, { licenseKey: input.license_key, now }));
    case "webhook":
      return outcome(() => ({ event: independent.verifyWebhook(input.secret, input.headers, input.body, { now }) }));
    default:
      throw new Error(`not covered: ${file.artifact}`);
  }
}

/** The part of `expected` the independent verifier answers. */
function expectedOf(file: VectorFile, c: VectorCase): Outcome {
  const e = c.expected as Input;
  if (!e.valid) return e;
  const pick = {
    "license-file": ["claims", "encrypted", "machine", "list_status"],
    "machine-file": ["claims", "encrypted", "machine", "list_status"],
    "status-list": ["claims", "statuses"],
    "air-gapped": ["header", "claims"],
    webhook: ["event"],
  }[file.artifact]!;
  return { valid: true, ...Object.fromEntries(pick.map((key) => [key, e[key]])) };
}

const caseOf = (name: VectorFileName, caseName: string) => COMMITTED[name].cases.find((c) => c.name === caseName)!;

describe("an independent verifier, written from docs/formats.md with jose and node:crypto only", () => {
  it("imports nothing else: no code of the service or its SDK", () => {
    const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.sort()).toEqual(["jose", "node:crypto"]);
    expect(source).not.toMatch(/\bimport\(|require\(/);
  });

  it("opens the encrypted license file with the license key, as the document derives its key", async () => {
    const file = COMMITTED["license-file.json"];
    const c = caseOf("license-file.json", "valid-encrypted");
    const expected = c.expected as Input;
    expect(toHex(independent.deriveKey(c.input.license_key as string, "license-file/v1"))).toBe(expected.derivation.key_hex);
    const out = await independent.verifyLicenseFile(c.input.file as string, fileOptions(file, c.input));
    expect(out).toEqual({ claims: expected.claims, encrypted: true, machine: false, listStatus: "valid" });
    const refused = (input: Input) => outcome(() => independent.verifyLicenseFile(c.input.file as string, fileOptions(file, { ...c.input, ...input })));
    expect(await refused({ audience: "app_AnotherVendorApp111111" })).toEqual({ valid: false, error: "ERR_FILE_CLAIM_INVALID" });
    expect(await refused({ license_key: caseOf("license-file.json", "encrypted-wrong-license-key").input.license_key })).toEqual({
      valid: false,
      error: "ERR_FILE_DECRYPTION_FAILED",
    });
  });

  it("opens the encrypted machine file on its device only", async () => {
    const file = COMMITTED["machine-file.json"];
    const c = caseOf("machine-file.json", "valid-encrypted");
    const expected = c.expected as Input;
    expect(toHex(independent.deriveKey(c.input.license_key as string, `license-file/v1\n${c.input.fingerprint}`))).toBe(expected.derivation.key_hex);
    const out = await independent.verifyLicenseFile(c.input.file as string, fileOptions(file, c.input));
    expect(out).toEqual({ claims: expected.claims, encrypted: true, machine: true, listStatus: "valid" });
    const other = caseOf("machine-file.json", "encrypted-wrong-fingerprint").input.fingerprint;
    expect(await outcome(() => independent.verifyLicenseFile(c.input.file as string, fileOptions(file, { ...c.input, fingerprint: other })))).toEqual({
      valid: false,
      error: "ERR_FILE_DECRYPTION_FAILED",
    });
    // The same claims unsealed: the binding itself refuses another device.
    const plain = caseOf("machine-file.json", "valid");
    expect(await outcome(() => independent.verifyLicenseFile(plain.input.file as string, fileOptions(file, { ...plain.input, fingerprint: other })))).toEqual({
      valid: false,
      error: "ERR_FILE_WRONG_MACHINE",
    });
  });

  const covered: VectorFileName[] = ["license-file.json", "machine-file.json", "status-list.json", "air-gapped.json", "webhook.json"];
  for (const name of covered) {
    it.each(COMMITTED[name].cases.map((c) => [c.name, c] as [string, VectorCase]))(`${name} %s`, async (_name, c) => {
      expect(await answer(COMMITTED[name], c)).toEqual(expectedOf(COMMITTED[name], c));
    });
  }
});
