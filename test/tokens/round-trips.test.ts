// Database round trips per request on the hot paths (issue #7): validate, verify and introspect
// make exactly one query, JWKS none, deferred work included. Counted at the driver: Neon's HTTP
// query function asks `neonConfig.fetchEndpoint` for its URL once per query, and the WebSocket
// Pool asks `neonConfig.wsProxy` once per connection (which would carry at least one more).

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Client, neonConfig } from "@neondatabase/serverless";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { buildRequest, type CallOptions, createTenant, introspect, issueToken, json, seedLicense, type TestTenant } from "../harness";
import { sell } from "../license-files/helpers";

const traffic = { queries: 0, connections: 0, statements: [] as string[] };

/** Calls the worker's real entry point and waits for everything it deferred. */
async function counted(path: string, options: CallOptions = {}) {
  traffic.queries = 0;
  traffic.connections = 0;
  traffic.statements = [];
  const ctx = createExecutionContext();
  const request = buildRequest(path, options) as Request<unknown, IncomingRequestCfProperties>;
  const res = await worker.fetch(request, env, ctx);
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, body, ...traffic };
}

let tenant: TestTenant;
let licenseKey: string;
let token: string;

beforeAll(async () => {
  tenant = await createTenant("Round trips");
  ({ licenseKey } = await seedLicense(tenant.tenantId));
  ({ token } = await issueToken(licenseKey));
  // The first introspect sets the API key's last_used_at (a deferred write); later ones within
  // the minute do not, which is the steady state measured below.
  expect((await introspect(tenant.apiKey, token)).status).toBe(200);
  // The driver's config is set on first use; wrap it once it is (JWKS touches no database).
  const fetchEndpoint = neonConfig.fetchEndpoint;
  const wsProxy = neonConfig.wsProxy;
  if (typeof fetchEndpoint !== "function" || typeof wsProxy !== "function") throw new Error("the relay config is not set");
  neonConfig.fetchEndpoint = (...args) => {
    traffic.queries++;
    return fetchEndpoint(...args);
  };
  neonConfig.wsProxy = (...args) => {
    traffic.connections++;
    return wsProxy(...args);
  };
  // Statements over a connection (drizzle's transactions), by their first word.
  const query = Client.prototype.query;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
    traffic.statements.push(String(text).trim().split(/\s+/)[0]!.toLowerCase());
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
});

describe("Postgres round trips per request", () => {
  it.each(["/v1/licenses/validate", "/v1/licenses/verify"])("%s: exactly one query, no connection", async (path) => {
    for (const key of [licenseKey, `lk_${"z".repeat(40)}`]) {
      const res = await counted(path, { body: { license_key: key } });
      expect(res.status).toBe(200);
      expect({ queries: res.queries, connections: res.connections }).toEqual({ queries: 1, connections: 0 });
    }
  });

  it("verify issues its token with that one query", async () => {
    const res = await counted("/v1/licenses/verify", { body: { license_key: licenseKey } });
    expect(JSON.parse(res.body).license_token).toEqual(expect.any(String));
    expect(res.queries).toBe(1);
  });

  it("introspect: exactly one query (key, license and revocation together), no connection", async () => {
    const res = await counted("/v1/licenses/introspect", { token: tenant.apiKey, body: { token } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).active).toBe(true);
    expect({ queries: res.queries, connections: res.connections }).toEqual({ queries: 1, connections: 0 });
  });

  it("JWKS: none, through the full stack and through the fast path", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await counted("/v1/licenses/jwks");
      expect(res.status).toBe(200);
      expect((await json(new Response(res.body))).keys.length).toBeGreaterThan(0);
      expect({ queries: res.queries, connections: res.connections }).toEqual({ queries: 0, connections: 0 });
    }
  });

  it("POST /v1/licenses/leases/{id}/heartbeat (heartbeatLease): no connection, two statements over HTTP (the license with its lease, then one conditional update)", async () => {
    const sold = await sell(tenant, { binding_mode: "none", lease_mode: "per_license", max_leases: 2, lease_ttl_s: 600 });
    const lease = await counted("/v1/licenses/leases", { body: { license_key: sold.licenseKey, instance_id: "counted" } });
    expect(lease.status).toBe(201);
    const res = await counted(`/v1/licenses/leases/${JSON.parse(lease.body).lease.id}/heartbeat`, { body: { license_key: sold.licenseKey } });
    expect(res.status).toBe(200);
    expect({ connections: res.connections, queries: res.queries }).toEqual({ connections: 0, queries: 2 });
  });

  it("counts what it claims to: an admin write opens a connection", async () => {
    const res = await counted("/v1/applications", { token: tenant.apiKey, body: { name: "Counted app" } });
    expect(res.status).toBe(201);
    expect(res.connections).toBeGreaterThan(0);
  });
});
