// The requests the bench sends: load-run request lists, the single request that must succeed
// before a run (so a broken endpoint is reported, not measured at full speed), and one pass over
// a list (each request once, e.g. every key's first live answer).
import { benchLicenseKey, sampleLicenseNumbers } from "./data.ts";
import type { LoadRequest } from "./load.ts";
import { KEYS_PER_RUN } from "./settings.ts";

/** A key that exists at every table size, for the requests that must succeed before a run. */
export const VALID_KEY = benchLicenseKey(1);

export const jsonPost = (path: string, body: unknown, headers: Record<string, string> = {}): LoadRequest => ({
  method: "POST",
  path,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** `{ license_key }` posts for KEYS_PER_RUN keys spread over licenses 1..total (numbered from `from` + 1). */
export const keyRequests = (path: string, total: number, from = 0): LoadRequest[] =>
  sampleLicenseNumbers(total, KEYS_PER_RUN).map((i) => jsonPost(path, { license_key: benchLicenseKey(from + i) }));

/** One request that must succeed before a run: the endpoint answers what the bench expects. */
export async function expectOk(url: string, req: LoadRequest, check: (body: any) => boolean, what: string): Promise<{ body: any; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url + req.path, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  const ms = performance.now() - t0;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (res.status !== 200 || !check(body)) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
  return { body, ms };
}

/** Sends each request once, `concurrency` at a time (each given at most 10 s); how many got each status. */
export async function sendEach(url: string, requests: LoadRequest[], concurrency: number): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const req = requests[next++]!;
      const res = await fetch(url + req.path, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return statuses;
}

/** Throws unless every request of a pass got a 200. */
export function expectAllOk(statuses: Record<number, number>, what: string): void {
  const bad = Object.entries(statuses).filter(([status]) => status !== "200");
  if (bad.length) throw new Error(`${what}: ${bad.map(([status, n]) => `${n} answered ${status}`).join(", ")}`);
}
