// Where the service's CPU goes: the probe (each piece of the request path N times inside one
// request in workerd, database replayed, CPU from workerd's thread times), the same whole-request
// cases under V8's sampling profiler, and with --profile the service itself under load, profiled.
import { serviceBindings, serviceWorker } from "./bindings.ts";
import type { LoadRequest } from "./load.ts";
import { say } from "./log.ts";
import { type ProbeResult, profileProbe, runProbe } from "./probe-runner.ts";
import { type ProfileSummary, profileWorker } from "./profile.ts";
import { jsonPost, keyRequests, VALID_KEY } from "./requests.ts";
import type { Session } from "./scenarios.ts";
import { CONNECTIONS, PROFILE, QUICK, SMALL } from "./settings.ts";

export interface HotPath {
  probe: ProbeResult[];
  probeProfiles: Record<string, ProfileSummary>;
  /** Only with --profile. */
  profiles: Record<string, ProfileSummary>;
}

/** `tokens`: verify tokens for the introspect cases. */
export async function runHotPath(session: Session, tokens: string[]): Promise<HotPath> {
  const { stack, art, runs } = session;
  const out: HotPath = { probe: [], probeProfiles: {}, profiles: {} };
  const probeEnv = {
    ...serviceBindings(stack, art.rsKeys),
    PROBE_LICENSE_KEY: VALID_KEY,
    PROBE_API_KEY: stack.seeded.apiKey,
    PROBE_TOKEN: tokens[0] ?? "",
    PROBE_EDDSA_KEYS: art.edKeys,
  };
  await runs.guard("probe", async () => {
    say("hot-path probe: pieces of the request path inside workerd, no network I/O");
    out.probe = await runProbe(art.probe.path, probeEnv, stack.pg.url, stack.workers, QUICK ? { targetNs: 50e6, repeats: 1 } : {});
  });
  await runs.guard("probe_profile", async () => {
    say("hot-path probe under V8's sampling profiler");
    const cases = ["app_jwks", "app_validate", "app_verify", "app_introspect"];
    out.probeProfiles = await profileProbe(art.probe.path, probeEnv, stack.workers, cases, QUICK ? 400 : 1000);
  });
  // workerd's own CPU profiler, a separate pass: profiling slows it down.
  if (PROFILE) {
    await runs.guard("profile", async () => {
      out.profiles = await profileService(session, tokens);
    });
  }
  return out;
}

/**
 * The service under load with workerd's inspector attached, sampled by the V8 CPU profiler, self
 * time attributed to the source modules of the bundle.
 */
async function profileService({ stack, art }: Session, tokens: string[]): Promise<Record<string, ProfileSummary>> {
  const w = await stack.workers.start({ ...serviceWorker(stack, "service-profiled", art, serviceBindings(stack, art.rsKeys)), inspect: true });
  try {
    const seconds = QUICK ? 1.5 : 3;
    const out: Record<string, ProfileSummary> = {};
    const auth = { Authorization: `Bearer ${stack.seeded.apiKey}` };
    const cases: [string, LoadRequest[]][] = [
      ["jwks", [{ method: "GET", path: "/v1/licenses/jwks" }]],
      ["validate", keyRequests("/v1/licenses/validate", SMALL)],
      ["verify", keyRequests("/v1/licenses/verify", SMALL)],
      ["introspect", tokens.map((token) => jsonPost("/v1/licenses/introspect", { token }, auth))],
    ];
    for (const [id, requests] of cases) {
      say(`profiling ${id} for ${seconds}s (inspector attached; figures not comparable with the runs above)`);
      out[id] = await profileWorker(w, art.bundle.path, async () => {
        const r = await stack.load.run({ url: w.url, connections: CONNECTIONS, durationS: seconds, requests });
        return r.requests;
      });
    }
    return out;
  } finally {
    await stack.workers.stop(w);
  }
}
