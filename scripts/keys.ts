// Signing keys for license tokens: generate a fresh SIGNING_KEYS value, or move an existing one
// one step through rotation. Prints the JSON for `wrangler secret put SIGNING_KEYS`; with
// --dev-vars it updates .dev.vars instead.
//
//   npm run keys:generate [-- --alg RS256|ES256|EdDSA] [--dev-vars]
//   npm run keys:rotate   [-- --alg ...] [--dev-vars | --in FILE] [--retire-after-hours N]
//
// Rotation is two runs of keys:rotate, at least the JWKS cache time (15 min) apart:
//   1. stage:    adds a `next` key. It is published (JWKS) but signs nothing yet.
//   2. promote:  `next` becomes `current`; the old current becomes `retired` (public part only) with
//                `retired_at` = now (the worker refuses tokens it signed later) and `retire_after`
//                = now + longest token lifetime (24 h) + JWKS cache time.
// Every run also drops retired keys whose `retire_after` has passed; the worker itself stops
// publishing and trusting them at that moment.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JWK } from "jose";
import { readDevVars, writeDevVars } from "./lib/dev-vars.ts";
import { generateSigningJwk, publicJwk, type SigningAlg } from "./lib/secrets.ts";

type Status = "current" | "next" | "retired";
type RingKey = JWK & { kid: string; alg: SigningAlg; status?: Status; retired_at?: number; retire_after?: number };

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DEV_VARS = join(ROOT, ".dev.vars");
/** Longest token lifetime (custom tier, 24 h) plus JWKS max-age and stale-while-revalidate (15 min). */
const DEFAULT_RETIRE_AFTER_S = 24 * 3600 + 15 * 60;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

function parseAlg(): SigningAlg {
  const alg = arg("alg") ?? "RS256";
  if (alg !== "RS256" && alg !== "ES256" && alg !== "EdDSA") throw new Error("--alg must be RS256, ES256 or EdDSA");
  return alg;
}

/** Marks statuses explicitly (a set without them: first private key is current). */
function normalise(keys: RingKey[]): RingKey[] {
  if (keys.some((k) => k.status)) return keys;
  const currentIndex = keys.findIndex((k) => typeof k.d === "string");
  return keys.map((k, i) => ({ ...k, status: i === currentIndex ? "current" : "retired" }));
}

/** One rotation step; pure, so it can be reasoned about (and tested) apart from I/O. */
export async function rotate(keys: RingKey[], alg: SigningAlg, now: number, retireAfterS = DEFAULT_RETIRE_AFTER_S): Promise<{ keys: RingKey[]; step: string }> {
  let ring = normalise(keys).filter((k) => !(k.status === "retired" && (k.retire_after ?? Infinity) <= now));
  const next = ring.find((k) => k.status === "next");
  if (!next) {
    const fresh = { ...(await generateSigningJwk(alg)), status: "next" } as RingKey;
    return { keys: [...ring, fresh], step: `staged next key ${fresh.kid}; run keys:rotate again after >= 15 minutes to promote it` };
  }
  ring = ring.map((k) => {
    if (k.status === "current") return { ...(publicJwk(k) as RingKey), status: "retired", retired_at: now, retire_after: now + retireAfterS };
    if (k === next) return { ...k, status: "current" };
    return k;
  });
  return { keys: ring, step: `promoted ${next.kid} to current; the old key stays published until ${new Date((now + retireAfterS) * 1000).toISOString()}` };
}

function load(): RingKey[] {
  const source = flag("dev-vars") ? readDevVars(DEV_VARS).SIGNING_KEYS : arg("in") ? readFileSync(arg("in")!, "utf8") : undefined;
  if (!source) throw new Error("keys:rotate needs the current set: --dev-vars, or --in FILE (e.g. your saved secret)");
  return (JSON.parse(source) as { keys: RingKey[] }).keys;
}

function save(keys: RingKey[]): void {
  const value = JSON.stringify({ keys });
  if (flag("dev-vars")) {
    writeDevVars(DEV_VARS, { ...readDevVars(DEV_VARS), SIGNING_KEYS: value });
    console.error("updated SIGNING_KEYS in .dev.vars (restart npm run dev)");
  } else {
    process.stdout.write(`${value}\n`);
    console.error("store it with: npm run wrangler -- secret put SIGNING_KEYS < file   (the JSON above, saved with npm run -s ... > file)");
  }
}

async function main() {
  const command = process.argv[2];
  const alg = parseAlg();
  if (command === "generate") {
    save([{ ...(await generateSigningJwk(alg)), status: "current" } as RingKey]);
  } else if (command === "rotate") {
    const retireAfter = arg("retire-after-hours");
    const result = await rotate(load(), alg, Math.floor(Date.now() / 1000), retireAfter ? Number(retireAfter) * 3600 : undefined);
    save(result.keys);
    console.error(result.step);
  } else {
    console.error("usage: node scripts/keys.ts generate|rotate [--alg RS256|ES256|EdDSA] [--dev-vars] [--in FILE]");
    process.exit(2);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
