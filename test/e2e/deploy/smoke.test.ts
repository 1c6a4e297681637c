// `npm run smoke -- <url>` against a running deployment: all five checks pass on a healthy one;
// on a worker without a database, or a URL where nothing answers, it fails and says what to fix.
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { startWorker, type Worker } from "../harness";
import { npmRun } from "./commands";

const workers: Worker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.dispose()));
});

/** A free loopback port (the worker's ISSUER must name the URL smoke calls). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });

describe("npm run smoke", () => {
  it("passes every check against a healthy deployment", async () => {
    const port = await freePort();
    const { worker, base } = await startWorker({ database: true, port, vars: { ISSUER: `http://127.0.0.1:${port}` } });
    workers.push(worker);
    const ran = await npmRun("smoke", [base]);
    expect(ran.stdout.trim().split("\n")).toEqual([
      "ok   worker answers: GET /healthz: 200 ok",
      "ok   database and KV: GET /readyz: Postgres and KV reachable",
      expect.stringMatching(/^ok {3}signing keys: GET \/v1\/licenses\/jwks: 1 public key\(s\) \(RS256\)$/),
      `ok   issuer: discovery: issuer ${base}, jwks_uri ${base}/v1/licenses/jwks`,
      "ok   validate: POST /v1/licenses/validate of a made-up key: 200 NOT_FOUND, through the database",
      `smoke: ${base} looks healthy (5 checks).`,
    ]);
    expect(ran.code).toBe(0);
  });

  it("fails in words on a deployment with no database, no signing keys and an issuer that is not the host called", async () => {
    const { worker, base } = await startWorker({ vars: { ISSUER: "https://license.example.com" } });
    workers.push(worker);
    const ran = await npmRun("smoke", [base]);
    expect(ran.code).toBe(1);
    const lines = ran.stdout.trim().split("\n");
    expect(lines[1]).toMatch(/^FAIL database and KV: GET \/readyz answered 503: Postgres is unavailable: check the DATABASE_URL secret/);
    expect(lines[2]).toBe(
      "FAIL signing keys: GET /v1/licenses/jwks answered 503: SERVICE_UNAVAILABLE: The deployment's signing keys (SIGNING_KEYS) are not configured. (generate the secrets with `npm run -s secrets:generate`).",
    );
    expect(lines[4]).toMatch(/^FAIL validate: validate answered 503 /);
    expect(lines.at(-1)).toBe("smoke: 4 of 5 checks failed.");
  });

  it("names an ISSUER that differs from the host called", async () => {
    const { worker, base } = await startWorker({ database: true, vars: { ISSUER: "https://license.example.com" } });
    workers.push(worker);
    const ran = await npmRun("smoke", [base]);
    expect(ran.stdout).toContain(
      `FAIL issuer: ISSUER is https://license.example.com but you called ${base}: tokens will name https://license.example.com, and SDK verifiers configured with this URL refuse them. Make them equal.`,
    );
    expect(ran.code).toBe(1);
  });

  it("says it cannot reach a URL where nothing answers, and shows its usage without one", async () => {
    const nothing = await npmRun("smoke", [`http://127.0.0.1:${await freePort()}`]);
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toMatch(/^FAIL worker answers: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): check the URL/);
    const usage = await npmRun("smoke");
    expect({ code: usage.code, err: usage.stderr.trim() }).toEqual({
      code: 2,
      err: "usage: npm run smoke -- https://your.host   (the deployment's public URL)",
    });
  });
});
