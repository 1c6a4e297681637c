// `npm run -s secrets:generate` prints every secret the worker needs as one JSON object and
// nothing else (for `wrangler secret bulk`), each usable as the worker reads it; `--out` writes a
// file only its owner can read. `npm run -s keys:generate` prints only JSON too.
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getKeyRing } from "../../../src/crypto/keys";
import { npmRun } from "./commands";

describe("npm run -s secrets:generate", () => {
  it("prints only JSON with OPERATOR_TOKEN, SIGNING_KEYS and WEBHOOK_SECRETS_KEY, each as the worker reads it", async () => {
    const ran = await npmRun("secrets:generate", [], { DATABASE_URL: "" });
    expect(ran.code).toBe(0);
    const secrets = JSON.parse(ran.stdout) as Record<string, string>;
    expect(Object.keys(secrets)).toEqual(["OPERATOR_TOKEN", "SIGNING_KEYS", "WEBHOOK_SECRETS_KEY"]);
    expect(secrets.OPERATOR_TOKEN).toMatch(/^op_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secrets.WEBHOOK_SECRETS_KEY!, "base64")).toHaveLength(32);
    const ring = await getKeyRing(secrets.SIGNING_KEYS);
    const published = (JSON.parse(ring.jwksBody) as { keys: Record<string, unknown>[] }).keys;
    expect({ alg: ring.signer.alg, published: published.length, private: published.some((k) => "d" in k) }).toEqual({
      alg: "RS256",
      published: 1,
      private: false,
    });
  });

  it("includes DATABASE_URL when it is set, takes --alg, and with --out writes a mode-600 file and prints nothing", async () => {
    const withDb = JSON.parse((await npmRun("secrets:generate", ["--alg", "EdDSA"], { DATABASE_URL: "postgres://u:p@db.example/app" })).stdout);
    expect(withDb.DATABASE_URL).toBe("postgres://u:p@db.example/app");
    expect((await getKeyRing(withDb.SIGNING_KEYS)).signer.alg).toBe("EdDSA");
    const file = join(mkdtempSync(join(tmpdir(), "secrets-")), "secrets.json");
    const out = await npmRun("secrets:generate", ["--out", file], { DATABASE_URL: "" });
    expect({ code: out.code, stdout: out.stdout }).toEqual({ code: 0, stdout: "" });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")))).toEqual(["OPERATOR_TOKEN", "SIGNING_KEYS", "WEBHOOK_SECRETS_KEY"]);
  });

  it("keys:generate prints only the JSON key set (the npm banner is off with -s)", async () => {
    const ran = await npmRun("keys:generate");
    expect((await getKeyRing(ran.stdout.trim())).signer.alg).toBe("RS256");
  });
});
