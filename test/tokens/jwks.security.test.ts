// GET /v1/licenses/jwks and /.well-known/jwks.json: public members only, whatever the secret holds;
// strong ETag and 304; CDN-cacheable; CORS `*`; served with the database unreachable.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, UNREACHABLE_DATABASE_URL } from "../harness";
import { type Deployment, deployment, keySet, makeKey, PRIVATE_MEMBERS, type TestKey } from "./forge";

const PATHS = ["/v1/licenses/jwks", "/.well-known/jwks.json"] as const;
const PUBLIC_MEMBERS = ["kty", "kid", "alg", "use", "n", "e", "crv", "x", "y"];

let keys: TestKey[];
let site: Deployment;

beforeAll(async () => {
  keys = await Promise.all([makeKey(), makeKey(), makeKey(), makeKey("ES256")]);
  const [current, next, retired, retiredEc] = keys as [TestKey, TestKey, TestKey, TestKey];
  // Every status, and retired keys a careless operator left with their private members.
  site = deployment(
    keySet(
      { key: current, status: "current" },
      { key: next, status: "next" },
      { key: retired, status: "retired", withPrivate: true },
      { key: retiredEc, status: "retired", withPrivate: true },
    ),
  );
});

/** Every private member value of `jwks`' secret form, for a verbatim search of the response. */
const privateValues = (jwks: { keys: Record<string, unknown>[] }) =>
  jwks.keys.flatMap((k) => PRIVATE_MEMBERS.map((m) => k[m]).filter((v): v is string => typeof v === "string"));

describe("GET /v1/licenses/jwks (getJwks) and GET /.well-known/jwks.json (getWellKnownJwks)", () => {
  describe.each(PATHS)("GET %s", (path) => {
    it("publishes every key, current, next and retired, with public members only", async () => {
      const res = await site.call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/jwk-set\+json/);
      const text = await res.text();
      const body = JSON.parse(text) as { keys: Record<string, unknown>[] };
      expect(body.keys.map((k) => k.kid)).toEqual(keys.map((k) => k.kid));
      for (const jwk of body.keys) {
        for (const member of PRIVATE_MEMBERS) expect(jwk, `${jwk.kid}.${member}`).not.toHaveProperty(member);
        for (const member of Object.keys(jwk)) expect(PUBLIC_MEMBERS).toContain(member);
        expect(jwk.use).toBe("sig");
      }
      for (const value of privateValues({ keys: keys.map((k) => k.jwk as Record<string, unknown>) })) expect(text).not.toContain(value);
    });

    it("never publishes the deployment's own private key", async () => {
      const text = await (await call(path)).text();
      const secret = JSON.parse(env.SIGNING_KEYS) as { keys: Record<string, unknown>[] };
      expect(privateValues(secret).length).toBeGreaterThan(0);
      for (const value of privateValues(secret)) expect(text).not.toContain(value);
      for (const jwk of JSON.parse(text).keys) for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
    });

    it("sends a strong ETag and answers 304 to If-None-Match with it", async () => {
      const res = await site.call(path);
      const etag = res.headers.get("ETag");
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await site.call(path, { headers: { "If-None-Match": etag!, Origin: "https://app.example" } });
      expect(again.status).toBe(304);
      expect(again.headers.get("ETag")).toBe(etag);
      expect(again.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(await again.text()).toBe("");
      expect((await site.call(path, { headers: { "If-None-Match": '"something-else"' } })).status).toBe(200);
    });

    it("changes its ETag when the key set changes", async () => {
      const before = (await site.call(path)).headers.get("ETag");
      const other = deployment(keySet({ key: keys[0]!, status: "current" }));
      const after = (await other.call(path)).headers.get("ETag");
      expect(after).toMatch(/^"[^"]+"$/);
      expect(after).not.toBe(before);
    });

    it("is cacheable by browsers and CDNs, with stale-while-revalidate", async () => {
      const cacheControl = (await site.call(path)).headers.get("Cache-Control") ?? "";
      const directives = cacheControl.split(",").map((d) => d.trim());
      expect(directives).toContain("public");
      expect(cacheControl).toMatch(/(^|,\s*)max-age=[1-9]\d*/);
      expect(cacheControl).toMatch(/s-maxage=[1-9]\d*/);
      expect(cacheControl).toMatch(/stale-while-revalidate=[1-9]\d*/);
      expect(cacheControl).not.toMatch(/no-store|private|no-cache/);
    });

    it("allows any origin, without credentials", async () => {
      const res = await site.call(path, { headers: { Origin: "https://any-app.example" } });
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    });

    // A browser verifier that revalidates with If-None-Match (not a CORS-safelisted header) is
    // preflighted; the route's CORS settings (GET/HEAD, max-age 86400) exist for this answer.
    it("answers a CORS preflight for a conditional GET from any origin", async () => {
      const preflight = await site.call(path, {
        method: "OPTIONS",
        headers: { Origin: "https://any-app.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "if-none-match" },
      });
      expect(preflight.status).toBeGreaterThanOrEqual(200);
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(preflight.headers.get("Access-Control-Allow-Methods")).toMatch(/GET/);
    });

    it("answers 200 with the same key set while the database is unreachable", async () => {
      const expected = await site.jwksText();
      const offline = deployment(site.bindings.SIGNING_KEYS!, { DATABASE_URL: UNREACHABLE_DATABASE_URL });
      const res = await offline.call(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(expected);
    });
  });
});
