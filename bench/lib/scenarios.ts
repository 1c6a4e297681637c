// The measured runs, in the order bench/run.ts calls them: startup, the floors, the service with
// RS256 and with EdDSA keys, the Node peer, SCRAM auth, and the service again on a large table.

import type { Artifacts } from "./artifacts.ts";
import { floorBindings, peerEnv, serviceBindings, serviceWorker } from "./bindings.ts";
import { addLicenses, apiKeyLastUsed, benchLicenseKey, checkKeyDerivation, licensesTableSize } from "./data.ts";
import { fmt } from "./format.ts";
import type { LoadRequest } from "./load.ts";
import { say } from "./log.ts";
import { measure, median, type RunSpec, type Runs, requestTrips, sample } from "./measure.ts";
import { measurePair, type PairedResult, type PairSpec } from "./paired.ts";
import { setPasswordAuth } from "./pg-auth.ts";
import { expectOk, jsonPost, keyRequests, VALID_KEY } from "./requests.ts";
import { LARGE, METRICS_ROUNDS, PAIRED_ROUNDS, PAIRED_SLICE_S, QUICK, SMALL, UNLOADED_S } from "./settings.ts";
import { cpuHasIfma, WITHOUT_IFMA } from "./sign-cost.ts";
import { type Stack, startPeer } from "./stack.ts";
import type { RunningWorker } from "./workerd.ts";

/** What every part of the run works with. */
export interface Session {
  stack: Stack;
  art: Artifacts;
  runs: Runs;
}

export interface Startup {
  readyMs: number;
  firstOkMs: number;
  cpuMs: number;
  starts: number;
}

const GET_ROOT: LoadRequest = { method: "GET", path: "/" };
const JWKS: LoadRequest = { method: "GET", path: "/v1/licenses/jwks" };
const verifyKey = (key: string) => jsonPost("/v1/licenses/verify", { license_key: key });

/** Median of a few cold starts each, after one start that warms the disk cache. */
export async function measureStartups({ stack, art }: Session): Promise<{ service: Startup; helloFloor: Startup }> {
  say("measuring startup (spawning workerd to first 200)");
  const startups = async (name: string, scriptPath: string, bindings: Record<string, string>, probePath: string, n: number): Promise<Startup> => {
    const ready: number[] = [];
    const firstOk: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < n; i++) {
      const w = await stack.workers.start({ name, scriptPath, bindings, kvNamespaces: ["REVOCATIONS"], probe: { path: probePath } });
      ready.push(w.readyMs);
      firstOk.push(w.firstOkMs);
      cpu.push(w.startupCpuMs);
      await stack.workers.stop(w);
    }
    return { readyMs: median(ready), firstOkMs: median(firstOk), cpuMs: median(cpu), starts: n };
  };
  await startups("warm-disk-cache", art.floors.hello.path, {}, "/", 1);
  const helloFloor = await startups("floor-hello", art.floors.hello.path, {}, "/", QUICK ? 1 : 3);
  const service = await startups("service-rs256", art.bundle.path, serviceBindings(stack, art.rsKeys), "/healthz", QUICK ? 1 : 3);
  return { service, helloFloor };
}

/** Runs the paired rounds repeat, on servers left running for them (stopped by `runPaired`). */
export interface KeptRuns {
  hello: RunSpec;
  floorLookup: RunSpec;
  floorVerify: RunSpec;
  floorVerifyEddsa: RunSpec;
  /** Their servers. */
  workers: RunningWorker[];
}

/** Minimal workers on the same runtime, database and driver: what the service is compared with. */
export async function runFloors({ stack, art, runs }: Session): Promise<KeptRuns> {
  const { workers } = stack;
  const hello = await workers.start({ name: "floor-hello", scriptPath: art.floors.hello.path, bindings: {} });
  const helloRun: RunSpec = { id: "floor_hello", label: "floor: hello", target: hello, requests: [GET_ROOT] };
  await runs.measure(helloRun, () => expectOk(hello.url, GET_ROOT, (b) => b.ok === true, "hello floor"));

  const sign = await workers.start({ name: "floor-sign", scriptPath: art.floors.sign.path, bindings: floorBindings(stack, art), probe: { path: "/" } });
  await runs.measure({ id: "floor_sign", label: "floor: sign (RS256 only)", target: sign, requests: [GET_ROOT] }, () =>
    expectOk(sign.url, GET_ROOT, (b) => typeof b.token === "string", "sign floor"),
  );
  await workers.stop(sign);

  const verify = await workers.start({
    name: "floor-verify",
    scriptPath: art.floors.verify.path,
    bindings: floorBindings(stack, art),
    probe: { path: "/verify", init: { method: "POST", body: JSON.stringify({ license_key: VALID_KEY }) } },
  });
  const lookupRun: RunSpec = { id: "floor_lookup", label: "floor: lookup (1 SQL, no sign)", target: verify, requests: keyRequests("/lookup", SMALL) };
  await runs.measure(lookupRun, () => expectOk(verify.url, jsonPost("/lookup", { license_key: VALID_KEY }), (b) => b.valid === true, "lookup floor"));
  const verifyRun: RunSpec = { id: "floor_verify", label: "floor: verify (1 SQL + RS256)", target: verify, requests: keyRequests("/verify", SMALL) };
  await runs.measure(verifyRun, () =>
    expectOk(verify.url, jsonPost("/verify", { license_key: VALID_KEY }), (b) => typeof b.license_token === "string", "verify floor"),
  );

  // The same floor signing with EdDSA: the EdDSA service's own floor.
  const verifyEd = await workers.start({
    name: "floor-verify-eddsa",
    scriptPath: art.floors.verify.path,
    bindings: floorBindings(stack, art, art.edKeys),
    probe: { path: "/verify", init: { method: "POST", body: JSON.stringify({ license_key: VALID_KEY }) } },
  });
  const verifyEdRun: RunSpec = {
    id: "floor_verify_eddsa",
    label: "floor: verify (1 SQL + EdDSA)",
    target: verifyEd,
    requests: keyRequests("/verify", SMALL),
  };
  await runs.measure(verifyEdRun, () =>
    expectOk(verifyEd.url, jsonPost("/verify", { license_key: VALID_KEY }), (b) => isEddsa(b.license_token), "verify floor (EdDSA)"),
  );
  return { hello: helloRun, floorLookup: lookupRun, floorVerify: verifyRun, floorVerifyEddsa: verifyEdRun, workers: [hello, verify, verifyEd] };
}

/**
 * The same requests one at a time, on the warm server: latency with no queue in front of it (the
 * main runs keep 16 requests in flight on 2 cores, so their p50 is mostly waiting).
 */
const unloaded = (runs: Runs, stack: Stack, spec: RunSpec) =>
  runs.attempt(`${spec.id}_c1`, () => sample(stack, { ...spec, id: `${spec.id}_c1`, connections: 1 }, UNLOADED_S));

const isEddsa = (token: unknown) => typeof token === "string" && JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).alg === "EdDSA";

export interface ServiceRuns {
  /** The RS256 instance, kept running for the SCRAM and scale runs (stopped at cleanup). */
  worker: RunningWorker;
  /** First requests in fresh isolates, ms (and introspect's first round trips). */
  cold: Record<string, number>;
  /** Verify tokens to introspect. */
  tokens: string[];
  /** The API key's last_used_at before the first introspect. */
  lastUsedBefore: Date | null;
  /** The JWKS, validate and verify runs, for the paired rounds. */
  jwks?: RunSpec;
  validate?: RunSpec;
  verify?: RunSpec;
}

/** The service's endpoints with an RS256 key set. */
export async function runService({ stack, art, runs }: Session): Promise<ServiceRuns> {
  const svc = await stack.workers.start(serviceWorker(stack, "service-rs256", art, serviceBindings(stack, art.rsKeys)));
  const out: ServiceRuns = { worker: svc, cold: {}, tokens: [], lastUsedBefore: null };
  const { cold, tokens } = out;
  await runs.guard("cold", async () => {
    // First verify in a fresh isolate: key import, first connection, JIT. Then the warm one.
    cold.verifyFirstMs = (await expectOk(svc.url, verifyKey(VALID_KEY), (b) => b.valid === true && typeof b.license_token === "string", "verify")).ms;
    cold.verifySecondMs = (await expectOk(svc.url, verifyKey(benchLicenseKey(2)), (b) => b.valid === true, "verify")).ms;
    for (let i = 1; i <= 16; i++) {
      const { body } = await expectOk(svc.url, verifyKey(benchLicenseKey(i)), (b) => typeof b.license_token === "string", "verify");
      tokens.push(body.license_token as string);
    }
  });
  const auth = { Authorization: `Bearer ${stack.seeded.apiKey}` };
  const spec = {
    jwks: { id: "jwks", label: "GET /v1/licenses/jwks", target: svc, requests: [JWKS] },
    validate: { id: "validate", label: "POST /v1/licenses/validate", target: svc, requests: keyRequests("/v1/licenses/validate", SMALL) },
    verify: { id: "verify", label: "POST /v1/licenses/verify", target: svc, requests: keyRequests("/v1/licenses/verify", SMALL) },
    introspect: {
      id: "introspect",
      label: "POST /v1/licenses/introspect",
      target: svc,
      requests: tokens.map((token) => jsonPost("/v1/licenses/introspect", { token }, auth)),
    },
  } satisfies Record<string, RunSpec>;
  await runs.measure(spec.jwks, () => expectOk(svc.url, JWKS, (b) => Array.isArray(b.keys) && b.keys.length > 0, "jwks"));
  await runs.measure(spec.validate, () =>
    expectOk(svc.url, jsonPost("/v1/licenses/validate", { license_key: VALID_KEY }), (b) => b.valid === true && b.code === "VALID", "validate"),
  );
  await runs.measure(spec.verify);
  await runs.measure(spec.introspect, async () => {
    if (tokens.length === 0) throw new Error("no tokens to introspect (verify failed)");
    out.lastUsedBefore = await apiKeyLastUsed(stack.pg.url);
    const t0 = requestTrips(stack);
    await expectOk(svc.url, jsonPost("/v1/licenses/introspect", { token: tokens[0] }, auth), (b) => b.active === true, "introspect");
    cold.introspectFirstTrips = requestTrips(stack) - t0;
  });
  for (const s of [spec.jwks, spec.validate, spec.verify, ...(tokens.length ? [spec.introspect] : [])]) await unloaded(runs, stack, s);
  return { ...out, jwks: spec.jwks, validate: spec.validate, verify: spec.verify };
}

/** The same verify with an EdDSA key set, on its own instance (left running for `runPaired`). */
export async function runEddsa({ stack, art, runs }: Session, cold: Record<string, number>): Promise<{ run: RunSpec; worker: RunningWorker }> {
  const ed = await stack.workers.start(serviceWorker(stack, "service-eddsa", art, serviceBindings(stack, art.edKeys)));
  const run: RunSpec = { id: "verify_eddsa", label: "POST /v1/licenses/verify (EdDSA)", target: ed, requests: keyRequests("/v1/licenses/verify", SMALL) };
  await runs.measure(run, async () => {
    cold.verifyEddsaFirstMs = (await expectOk(ed.url, verifyKey(VALID_KEY), (b) => isEddsa(b.license_token), "verify (EdDSA)")).ms;
  });
  return { run, worker: ed };
}

/**
 * The targets comparing two runs, again as alternating pairs of short slices (lib/paired.ts):
 * JWKS against hello, and each hot route against its own floor (verify RS256 and EdDSA against
 * the verify floor with the same key, validate against the lookup floor), each on the same
 * servers and requests as its main run. Stops the floors and the EdDSA instance afterwards; the
 * RS256 service stays for the scale runs.
 */
export async function runPaired(
  { stack, runs }: Session,
  floors: KeptRuns,
  service: ServiceRuns,
  eddsa: { run: RunSpec; worker: RunningWorker },
): Promise<PairedResult[]> {
  const { jwks, validate, verify } = service;
  const pairs: PairSpec[] = [
    ...(jwks ? [{ a: jwks, b: floors.hello }] : []),
    ...(verify ? [{ a: verify, b: floors.floorVerify }] : []),
    { a: eddsa.run, b: floors.floorVerifyEddsa },
    ...(validate ? [{ a: validate, b: floors.floorLookup }] : []),
  ];
  const out: PairedResult[] = [];
  try {
    for (const pair of pairs) {
      const result = await runs.guard(`paired ${pair.a.id}/${pair.b.id}`, () => measurePair(stack, pair, PAIRED_ROUNDS, PAIRED_SLICE_S));
      if (result) out.push(result);
    }
  } finally {
    for (const w of [...floors.workers, eddsa.worker]) await stack.workers.stop(w);
  }
  return out;
}

/**
 * What recording costs (usage metrics and license activity): validate and verify on the service as
 * deployed (both on, the local stores: a point and an event per request kept in the isolate,
 * batched writes after responses) against a second instance with METRICS_STORE=off and
 * ACTIVITY_STORE=off, in alternating slices. The batched writes are counted
 * apart from the requests' own round trips (lib/measure.ts).
 */
export async function runMetricsCost({ stack, art, runs }: Session, service: ServiceRuns): Promise<PairedResult[]> {
  const on = [service.validate, service.verify].filter((s): s is RunSpec => s !== undefined);
  if (on.length === 0) return [];
  const off = await stack.workers.start(
    serviceWorker(stack, "service-metrics-off", art, { ...serviceBindings(stack, art.rsKeys), METRICS_STORE: "off", ACTIVITY_STORE: "off" }),
  );
  const out: PairedResult[] = [];
  try {
    for (const a of on) {
      const b: RunSpec = { ...a, id: `${a.id}_metrics_off`, label: `${a.label} (metrics off)`, target: off };
      const result = await runs.guard(`paired ${a.id}/${b.id}`, async () => {
        await expectOk(off.url, a.requests[0]!, (body) => body.valid === true, b.id);
        return measurePair(stack, { a, b }, METRICS_ROUNDS, PAIRED_SLICE_S);
      });
      if (result) out.push(result);
    }
  } finally {
    await stack.workers.stop(off);
  }
  return out;
}

/** The conventional Node peer's verify: RS256 (again with IFMA masked on CPUs that have it), and EdDSA. */
export async function runPeer({ stack, art, runs }: Session): Promise<void> {
  const run = (id: string, label: string, env: Record<string, string>) =>
    runs.attempt(id, async () => {
      const peer = await startPeer({ ...peerEnv(stack, art), ...env });
      try {
        await expectOk(peer.url, verifyKey(VALID_KEY), (b) => typeof b.license_token === "string", "peer verify");
        const spec: RunSpec = { id, label, target: peer, server: "node", requests: keyRequests("/v1/licenses/verify", SMALL) };
        const loaded = await measure(stack, spec);
        if (id === "peer_verify") await unloaded(runs, stack, spec);
        return loaded;
      } finally {
        await peer.stop();
      }
    });
  await run("peer_verify", "peer: Node verify (pg Pool, jose)", {});
  // The same peer signing the way workerd's BoringSSL must: no AVX-512 IFMA (see sign-cost.ts).
  if (cpuHasIfma()) await run("peer_verify_no_ifma", "peer: the same, OpenSSL without AVX-512 IFMA", WITHOUT_IFMA);
  // And with the EdDSA key set, beside the service's EdDSA verify.
  await run("peer_verify_eddsa", "peer: the same, EdDSA key set", { SIGNING_KEYS: art.edKeys });
}

/** The same verify with SCRAM auth, as scripts/lib/postgres.ts sets Postgres up locally. */
export async function runScram({ stack, runs }: Session, svc: RunningWorker): Promise<void> {
  await runs.attempt("verify_scram", async () => {
    await setPasswordAuth(stack.pgDir, stack.pg.url, "scram-sha-256");
    try {
      return await measure(stack, {
        id: "verify_scram",
        label: "verify, SCRAM auth (local default)",
        target: svc,
        requests: keyRequests("/v1/licenses/verify", SMALL),
      });
    } finally {
      await setPasswordAuth(stack.pgDir, stack.pg.url, "password");
    }
  });
}

export interface LargeTable {
  rows: number;
  bytes: number;
  seedSeconds: number;
}

/** Validate and verify again after growing the table to LARGE licenses. */
export async function runScale({ stack, runs }: Session, svc: RunningWorker): Promise<LargeTable> {
  say(`growing the licenses table to ${LARGE.toLocaleString("en-US")} rows`);
  const seedStarted = performance.now();
  await addLicenses(stack.pg.url, SMALL + 1, LARGE);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  await checkKeyDerivation(stack.pg.url, LARGE);
  const size = await licensesTableSize(stack.pg.url);
  say(`  ${size.rows.toLocaleString("en-US")} rows, ${fmt.kib(size.bytes)} with indexes, in ${seedSeconds.toFixed(1)}s`);
  for (const id of ["validate", "verify"]) {
    await runs.measure({
      id: `${id}_large`,
      label: `POST /v1/licenses/${id}`,
      target: svc,
      licenses: LARGE,
      requests: keyRequests(`/v1/licenses/${id}`, LARGE),
    });
  }
  return { ...size, seedSeconds };
}
