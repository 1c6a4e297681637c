// What a DPoP proof (issue 30) costs the service: validate on licenses whose policy requires
// device keys, each request with a fresh proof from its device's key, against validate on
// licenses under a policy without them, the same device named and no proof. Both sets are seeded
// here (their own policies, licenses and one activation each; degraded answers off so no snapshot
// write differs), and one fresh instance answers both. A proof is accepted once, so requests
// cannot be replayed by the load generator: each pass sends every license once, with proofs made
// just before it, and passes of the two kinds alternate (as lib/snapshot-cost.ts's first pass).
// The difference in the worker's CPU per request is what checking a proof costs (its signature,
// its key's thumbprint, its replay key); the relay's count shows the replay record adds no round
// trip (it is part of the lookup statement).
import { createRequire } from "node:module";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { serviceBindings, serviceWorker } from "./bindings.ts";
import { addLicenses, benchLicenseKey, TENANT_ID } from "./data.ts";
import { fmt } from "./format.ts";
import type { LoadRequest } from "./load.ts";
import { say } from "./log.ts";
import { median, requestTrips, sleep } from "./measure.ts";
import type { Spread } from "./paired.ts";
import { processCpuMs } from "./proc.ts";
import { expectAllOk, jsonPost, sendEach } from "./requests.ts";
import type { Session } from "./scenarios.ts";
import { CONNECTIONS, QUICK } from "./settings.ts";
import type { Target } from "./targets.ts";
import type { RunningWorker } from "./workerd.ts";

const require = createRequire(import.meta.url);
const { Client } = require("pg") as typeof import("pg");

/** Licenses numbered from here (below NO_GRACE_FROM's range, above any scale run's). */
const BOUND_FROM = 1_500_000_000;
const PLAIN_FROM = 1_600_000_000;
const DEVICES = 1_000;
const ROUNDS = QUICK ? 6 : 8;
const FINGERPRINT = "bench-device";
const PATH = "/v1/licenses/validate";
/** Issue 30's budget for checking one proof. */
export const PROOF_BUDGET_MS = 0.3;

interface Device {
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

export interface ProofPass {
  cpuMsPerReq: number;
  tripsPerReq: number;
}

export interface ProofCost {
  devices: number;
  rounds: { proof: ProofPass; plain: ProofPass }[];
  /** Worker CPU per request with a proof minus without, ms: median and range of the rounds. */
  msPerProof: Spread;
}

/** Two policies (device keys required, and none), a license each per device, one activation each (bound to its key, or to none). */
async function seed(url: string, devices: Device[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const [id, mode] of [
      ["pol_bench_dpop", "required"],
      ["pol_bench_dpop_off", "none"],
    ]) {
      await client.query(
        `INSERT INTO policies (id, tenant_id, application_id, name, max_activations, binding_mode, token_tier, degraded_grace_s, proof_of_possession)
         VALUES ($1, $2, NULL, $1, 3, 'none', 'basic', 0, $3)`,
        [id, TENANT_ID, mode],
      );
    }
    await client.query("SET session_replication_role = replica");
    for (const [from, jkts] of [
      [BOUND_FROM, devices.map((d) => d.jkt)],
      [PLAIN_FROM, devices.map(() => null)],
    ] as const) {
      await client.query(
        `INSERT INTO activations (id, tenant_id, license_id, fingerprint, dpop_jkt)
         SELECT 'act_bench' || lpad((${from} + n)::text, 13, '0'), $1, 'lic_bench' || lpad((${from} + n)::text, 13, '0'), $2, jkt
           FROM unnest($3::text[]) WITH ORDINALITY AS t(jkt, n)`,
        [TENANT_ID, FINGERPRINT, jkts],
      );
    }
  } finally {
    await client.end();
  }
  await addLicenses(url, BOUND_FROM + 1, BOUND_FROM + devices.length, "pol_bench_dpop");
  await addLicenses(url, PLAIN_FROM + 1, PLAIN_FROM + devices.length, "pol_bench_dpop_off");
}

const body = (from: number, i: number) => ({ license_key: benchLicenseKey(from + i + 1), fingerprint: FINGERPRINT });

/** Every bound license once, each with a proof made now by its device (a proof is good for 60 s, once). */
async function boundRequests(devices: Device[], htu: string): Promise<LoadRequest[]> {
  const iat = Math.floor(Date.now() / 1000);
  return Promise.all(
    devices.map(async (d, i) => {
      const proof = await new SignJWT({ jti: crypto.randomUUID(), htm: "POST", htu, iat })
        .setProtectedHeader({ typ: "dpop+jwt", alg: "ES256", jwk: d.jwk })
        .sign(d.privateKey);
      return jsonPost(PATH, body(BOUND_FROM, i), { DPoP: proof });
    }),
  );
}

async function pass(session: Session, worker: RunningWorker, requests: LoadRequest[], what: string): Promise<ProofPass> {
  const cpu0 = processCpuMs(worker.pid);
  const trips0 = requestTrips(session.stack);
  expectAllOk(await sendEach(worker.url, requests, CONNECTIONS), what);
  await sleep(300);
  return { cpuMsPerReq: (processCpuMs(worker.pid) - cpu0) / requests.length, tripsPerReq: (requestTrips(session.stack) - trips0) / requests.length };
}

export function runProofCost(session: Session): Promise<ProofCost | undefined> {
  const { stack, art, runs } = session;
  return runs.guard("DPoP proof cost", async () => {
    say(`DPoP proof cost: ${DEVICES} key-bound devices (ES256) against as many plain ones, validate once each per pass, ${ROUNDS} alternating rounds`);
    const devices = await Promise.all(
      Array.from({ length: DEVICES }, async (): Promise<Device> => {
        const { privateKey, publicKey } = await generateKeyPair("ES256");
        const jwk = await exportJWK(publicKey);
        return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, "sha256") };
      }),
    );
    await seed(stack.pg.url, devices);
    const worker = await stack.workers.start(serviceWorker(stack, "service-dpop", art, serviceBindings(stack, art.rsKeys)));
    try {
      const htu = worker.url + PATH;
      const plain = devices.map((_, i) => jsonPost(PATH, body(PLAIN_FROM, i)));
      // Warm the isolate on both kinds (and its key cache on every device: the steady state of a device that keeps calling).
      expectAllOk(await sendEach(worker.url, plain, CONNECTIONS), "warm-up, plain");
      expectAllOk(await sendEach(worker.url, await boundRequests(devices, htu), CONNECTIONS), "warm-up, with proofs");
      const rounds: ProofCost["rounds"] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const withProof = async () => pass(session, worker, await boundRequests(devices, htu), "with proofs");
        const without = () => pass(session, worker, plain, "plain");
        if (round % 2 === 0) {
          const proof = await withProof();
          rounds.push({ proof, plain: await without() });
        } else {
          const p = await without();
          rounds.push({ proof: await withProof(), plain: p });
        }
      }
      const diffs = rounds.map((r) => r.proof.cpuMsPerReq - r.plain.cpuMsPerReq);
      const msPerProof = { median: median(diffs), min: Math.min(...diffs), max: Math.max(...diffs) };
      say(`  ${fmt.fixed(msPerProof.median, 3)} ms CPU per proof (${diffs.map((d) => fmt.fixed(d, 3)).join(", ")})`);
      return { devices: DEVICES, rounds, msPerProof };
    } finally {
      await stack.workers.stop(worker);
    }
  });
}

/** The report's lines. */
export function renderProofCost(c: ProofCost): string[] {
  return [
    `DPoP proofs (validate, ${c.devices} key-bound devices with a fresh ES256 proof each vs as many plain devices, one fresh instance answering both):`,
    ...c.rounds.map(
      (r, i) =>
        `  round ${i + 1}: ${fmt.fixed(r.proof.cpuMsPerReq, 3)} vs ${fmt.fixed(r.plain.cpuMsPerReq, 3)} ms/req (${fmt.fixed(r.proof.tripsPerReq, 3)} vs ${fmt.fixed(r.plain.tripsPerReq, 3)} PG trips/req)`,
    ),
  ];
}

/** The targets: CPU per proof within the budget, and still one round trip per request. */
export function proofTargets(c: ProofCost | undefined): Target[] {
  if (!c) {
    return [
      { name: "DPoP: worker CPU per proof (validate)", figure: "-", target: `<= ${PROOF_BUDGET_MS} ms`, pass: null },
      { name: "DPoP: PG trips/req with a proof", figure: "-", target: "exactly 1", pass: null },
    ];
  }
  const m = c.msPerProof;
  const trips = c.rounds.map((r) => r.proof.tripsPerReq);
  return [
    {
      name: "DPoP: worker CPU per proof (validate)",
      figure: `${fmt.fixed(m.median, 3)} ms (${fmt.fixed(m.min, 3)}-${fmt.fixed(m.max, 3)})`,
      target: `<= ${PROOF_BUDGET_MS} ms`,
      pass: m.median <= PROOF_BUDGET_MS,
    },
    {
      name: "DPoP: PG trips/req with a proof",
      figure: trips.map((t) => fmt.fixed(t, 3)).join(", "),
      target: "exactly 1",
      pass: trips.every((t) => t === 1),
    },
  ];
}
