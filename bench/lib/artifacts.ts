// What the runs load, built once at the start: the service bundle exactly as a deploy uploads it,
// the floor and probe workers, the service's own lookup SQL (for the Node peer), and an
// RS256 and an EdDSA signing key set.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { generateSigningJwk } from "../../scripts/lib/secrets.ts";
import { say } from "./log.ts";
import { runServiceScript } from "./service-node.ts";
import { ROOT } from "./settings.ts";
import { type BundleInfo, buildServiceBundle, bundleFloor } from "./workerd.ts";

export interface Artifacts {
  /** The service, from `wrangler deploy --dry-run`. */
  bundle: BundleInfo;
  floors: { hello: BundleInfo; sign: BundleInfo; verify: BundleInfo };
  probe: BundleInfo;
  /** The SQL text and parameters of the service's lookup, "$KEY_HASH" where the key hash goes. */
  lookup: { sql: string; params: unknown[] };
  /** SIGNING_KEYS values: one current key each. */
  rsKeys: string;
  edKeys: string;
}

export async function buildArtifacts(tmp: string): Promise<Artifacts> {
  say("building the worker bundle (wrangler deploy --dry-run), floors, lookup SQL, signing keys");
  const outdir = join(tmp, "dist");
  mkdirSync(outdir);
  const [bundle, hello, sign, verify, probe, lookup, rsJwk, edJwk] = await Promise.all([
    buildServiceBundle(ROOT, outdir),
    bundleFloor(join(ROOT, "bench/floors/hello.ts"), join(tmp, "floors/hello.js")),
    bundleFloor(join(ROOT, "bench/floors/sign.ts"), join(tmp, "floors/sign.js"), ROOT),
    bundleFloor(join(ROOT, "bench/floors/verify.ts"), join(tmp, "floors/verify.js"), ROOT),
    bundleFloor(join(ROOT, "bench/probe/probe.ts"), join(tmp, "probe/probe.js"), ROOT),
    runServiceScript<{ sql: string; params: unknown[] }>(ROOT, join(ROOT, "bench/capture/lookup-sql.ts"), join(tmp, "capture/lookup-sql.mjs")),
    generateSigningJwk("RS256"),
    generateSigningJwk("EdDSA"),
  ]);
  return {
    bundle,
    floors: { hello, sign, verify },
    probe,
    lookup,
    rsKeys: JSON.stringify({ keys: [{ ...rsJwk, status: "current" }] }),
    edKeys: JSON.stringify({ keys: [{ ...edJwk, status: "current" }] }),
  };
}
