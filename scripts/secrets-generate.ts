// `npm run -s secrets:generate`: every secret a deploy needs, fresh, as one JSON object for
// `wrangler secret bulk`. Only JSON goes to stdout (run it with `npm run -s`, or npm prints its
// own banner first); `--out FILE` writes it to a file readable by you alone instead.
//
//   npm run -s secrets:generate -- --out secrets.json && npm run wrangler -- secret bulk secrets.json && rm secrets.json
//
// OPERATOR_TOKEN (`op_` + 32 random bytes) opens POST /v1/tenants; SIGNING_KEYS is a JWK set with
// one RS256 (or --alg ES256 / EdDSA) key marked current; WEBHOOK_SECRETS_KEY is a base64 32-byte
// AES-256-GCM key. DATABASE_URL is the database's, not generated: included when set in the
// environment.
import { writeFileSync } from "node:fs";
import { generateDevSecrets, generateSigningJwk, type SigningAlg } from "./lib/secrets.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const alg = (arg("alg") ?? "RS256") as SigningAlg;
if (!["RS256", "ES256", "EdDSA"].includes(alg)) {
  console.error("secrets:generate: --alg must be RS256, ES256 or EdDSA");
  process.exit(2);
}
const secrets = await generateDevSecrets();
const out = {
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  OPERATOR_TOKEN: secrets.OPERATOR_TOKEN,
  SIGNING_KEYS: JSON.stringify({ keys: [{ ...(await generateSigningJwk(alg)), status: "current" }] }),
  WEBHOOK_SECRETS_KEY: secrets.WEBHOOK_SECRETS_KEY,
};
const json = `${JSON.stringify(out, null, 2)}\n`;
const file = arg("out");
if (file) {
  writeFileSync(file, json, { mode: 0o600 });
  console.error(
    `secrets:generate: wrote ${Object.keys(out).join(", ")} to ${file} (mode 600): upload it with \`npm run wrangler -- secret bulk ${file}\`, then delete it.`,
  );
} else {
  process.stdout.write(json);
}
