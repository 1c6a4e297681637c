// Generates the conformance vectors of docs/formats.md (docs/test-vectors/*.json) with the
// service's and the SDK's own code, from the committed test keys and fixed inputs, under seeded
// randomness: the same keys give the same bytes, so a test can regenerate them and compare
// (test/formats/regenerate.node.test.ts). scripts/test-vectors.ts writes them.
import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { getKeyRing } from "../../src/crypto/keys.ts";
import { type TestKeys, withSeededRandom } from "./fixtures.ts";
import { fileVectors } from "./generate-files.ts";
import { airGappedVectors } from "./generate-offline.ts";
import { fileAsTokenCase, type Signers, tokenVectors } from "./generate-tokens.ts";
import { webhookVectors } from "./generate-webhooks.ts";
import { VECTOR_FILES, type VectorFile, type VectorFileName } from "./vector-file.ts";

const SEED = 20_300_101;

/** The deployment's key ring with `current` signing and `next` published, as SIGNING_KEYS holds them. */
const ring = (current: JWK, next: JWK) =>
  getKeyRing(
    JSON.stringify({
      keys: [
        { ...current, status: "current" },
        { ...next, status: "next" },
      ],
    }),
  );

async function signers(keys: TestKeys): Promise<Signers> {
  const rs = await ring(keys.rs256, keys.ed25519);
  const ed = await ring(keys.ed25519, keys.rs256);
  const { kty, crv, x, kid } = keys.attacker;
  return {
    rs,
    ed,
    jwks: JSON.parse(rs.jwksBody),
    attacker: { key: (await importJWK(keys.attacker, "EdDSA")) as CryptoKey, publicJwk: { kty, crv, x }, kid },
  };
}

/** Every vector file, by name, in VECTOR_FILES order. */
export async function generateVectors(keys: TestKeys): Promise<Record<VectorFileName, VectorFile>> {
  const files = await withSeededRandom(SEED, async () => {
    const s = await signers(keys);
    const tokens = await tokenVectors(s);
    const files = await fileVectors(s, tokens.tokens);
    tokens.files["license-token.json"].cases.push(fileAsTokenCase(files.plainJws));
    return { ...tokens.files, ...files.files, ...(await airGappedVectors()), ...(await webhookVectors()) };
  });
  return Object.fromEntries(VECTOR_FILES.map((name) => [name, files[name]])) as Record<VectorFileName, VectorFile>;
}

/** Fresh test keys (only when docs/test-vectors/keys.md is to be replaced: every vector changes). */
export async function newTestKeys(): Promise<TestKeys> {
  const make = async (alg: "RS256" | "EdDSA", kid: string) => {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === "RS256" ? { modulusLength: 2048 } : {}) });
    return { ...(await exportJWK(privateKey)), kid, alg };
  };
  return {
    rs256: await make("RS256", "test-vectors-rs256"),
    ed25519: await make("EdDSA", "test-vectors-ed25519"),
    attacker: await make("EdDSA", "test-vectors-attacker"),
  };
}

/** The JSON text of a vector file, as committed. */
export const vectorJson = (file: VectorFile) => `${JSON.stringify(file, null, 2)}\n`;
