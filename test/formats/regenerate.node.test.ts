// The committed vectors are what the current code produces: regenerated here from the committed
// test keys with the service's and the SDK's own signing code, they must be the same JSON (every
// token, file and signature byte for byte; the layout is biome's). A
// change to any format (a claim, a header, the key derivation, a payload shape) fails this test
// until `node scripts/run.mjs node scripts/test-vectors.ts` is run and the new vectors committed.
import { importJWK, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import airGapped from "../../docs/test-vectors/air-gapped.json?raw";
import keysMarkdown from "../../docs/test-vectors/keys.md?raw";
import leaseToken from "../../docs/test-vectors/lease-token.json?raw";
import licenseFile from "../../docs/test-vectors/license-file.json?raw";
import licenseToken from "../../docs/test-vectors/license-token.json?raw";
import machineFile from "../../docs/test-vectors/machine-file.json?raw";
import statusList from "../../docs/test-vectors/status-list.json?raw";
import webhook from "../../docs/test-vectors/webhook.json?raw";
import { toPublicJwk } from "../../src/crypto/keys.ts";
import { parseKeysMarkdown } from "./fixtures.ts";
import { generateVectors, vectorJson } from "./generate.ts";
import { VECTOR_FILES, type VectorFileName } from "./vector-file.ts";

const COMMITTED_TEXT: Record<VectorFileName, string> = {
  "license-token.json": licenseToken,
  "lease-token.json": leaseToken,
  "license-file.json": licenseFile,
  "machine-file.json": machineFile,
  "status-list.json": statusList,
  "air-gapped.json": airGapped,
  "webhook.json": webhook,
};

describe("docs/test-vectors are up to date", () => {
  const keys = parseKeysMarkdown(keysMarkdown);
  let regenerated: Awaited<ReturnType<typeof generateVectors>>;
  // Before any test runs: generation swaps in seeded randomness while it runs (fixtures.ts).
  beforeAll(async () => {
    regenerated = await generateVectors(keys);
  });

  it.each([...VECTOR_FILES])("%s: regenerated with the current code, the same", (name) => {
    const fresh = JSON.parse(vectorJson(regenerated[name]));
    expect(JSON.parse(COMMITTED_TEXT[name]), "run: node scripts/run.mjs node scripts/test-vectors.ts").toStrictEqual(fresh);
  });

  it("the vectors' JWKS is the public half of the committed test keys, and the attacker's key is not in it", async () => {
    const jwks = JSON.parse(COMMITTED_TEXT["license-file.json"]).jwks;
    expect(jwks).toEqual({ keys: [toPublicJwk(keys.rs256 as never), toPublicJwk(keys.ed25519 as never)] });
    expect(jwks.keys.map((k: JWK) => k.kid)).not.toContain(keys.attacker.kid);
    for (const key of [keys.rs256, keys.ed25519, keys.attacker]) await expect(importJWK(key, key.alg)).resolves.toBeDefined();
  });
});
