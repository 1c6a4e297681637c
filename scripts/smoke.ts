// `npm run smoke -- https://your.host`: checks a deploy from outside, as a client would meet it,
// and says in words what is wrong. Five calls: /healthz (the worker answers), /readyz (Postgres and
// KV reachable), the JWKS (signing keys published, public parts only), discovery (ISSUER set and
// matching the host you called) and a validate of a made-up key (the database path works end to
// end: NOT_FOUND). Exit 0 when all pass, 1 otherwise. Needs no credentials.
export {};

const base = process.argv[2]?.replace(/\/+$/, "");

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const checks: Check[] = [];
const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail });
const fail = (name: string, detail: string) => checks.push({ name, ok: false, detail });

// biome-ignore lint/suspicious/noExplicitAny: a remote server's JSON, read field by field with optional chaining
type Json = any;

async function get(path: string, init: RequestInit = {}): Promise<{ res: Response; body: Json } | { error: string }> {
  try {
    const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000), redirect: "manual" });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the message.
    }
    return { res, body };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? (err as Error).message };
  }
}

const errorOf = (body: Json) =>
  body?.error ? `${body.error.code}: ${body.error.message}` : typeof body === "string" ? body.slice(0, 120) : JSON.stringify(body);

async function main(): Promise<void> {
  if (!base || !/^https?:\/\//.test(base)) {
    console.error("usage: npm run smoke -- https://your.host   (the deployment's public URL)");
    process.exit(2);
  }

  const health = await get("/healthz");
  if ("error" in health) {
    fail(
      "worker answers",
      `cannot reach ${base} (${health.error}): check the URL, that \`npm run deploy\` succeeded, and, for a custom domain, its DNS record and route (README: Deploy).`,
    );
    return;
  }
  if (health.res.status === 200 && health.body?.status === "ok") pass("worker answers", "GET /healthz: 200 ok");
  else fail("worker answers", `GET /healthz answered ${health.res.status}: ${errorOf(health.body)}. Is this URL the license service?`);
  if (!health.res.headers.get("x-request-id")?.startsWith("req_"))
    fail("worker answers", "no X-Request-Id header: something in front of the worker answered (a proxy, another worker on the route?).");

  const ready = await get("/readyz");
  if ("error" in ready) fail("database and KV", `GET /readyz failed: ${ready.error}`);
  else if (ready.res.status === 200) pass("database and KV", "GET /readyz: Postgres and KV reachable");
  else {
    const details = ready.body?.error?.details ?? {};
    const why: string[] = [];
    if (details.database && details.database !== "ok") {
      why.push(
        `Postgres is ${details.database}: check the DATABASE_URL secret (\`npm run wrangler -- secret list\`), that the database exists and that \`npm run db:migrate\` ran against it`,
      );
    }
    if (details.kv && details.kv !== "ok") why.push(`KV is ${details.kv}: check the REVOCATIONS namespace id in wrangler.toml`);
    fail("database and KV", `GET /readyz answered ${ready.res.status}${why.length ? `: ${why.join("; ")}` : `: ${errorOf(ready.body)}`}.`);
  }

  const jwks = await get("/v1/licenses/jwks");
  if ("error" in jwks) fail("signing keys", `GET /v1/licenses/jwks failed: ${jwks.error}`);
  else if (jwks.res.status !== 200 || !Array.isArray(jwks.body?.keys) || jwks.body.keys.length === 0) {
    fail(
      "signing keys",
      `GET /v1/licenses/jwks answered ${jwks.res.status}: ${errorOf(jwks.body)} (generate the secrets with \`npm run -s secrets:generate\`).`,
    );
  } else if (jwks.body.keys.some((k: Record<string, unknown>) => "d" in k || "p" in k)) {
    fail("signing keys", "the JWKS publishes PRIVATE key material: rotate the keys now and report this as a bug.");
  } else
    pass("signing keys", `GET /v1/licenses/jwks: ${jwks.body.keys.length} public key(s) (${jwks.body.keys.map((k: { alg?: string }) => k.alg).join(", ")})`);

  const discovery = await get("/.well-known/license-configuration");
  if ("error" in discovery) fail("issuer", `discovery failed: ${discovery.error}`);
  else if (discovery.res.status !== 200) {
    fail("issuer", `discovery answered ${discovery.res.status}: ${errorOf(discovery.body)} (ISSUER belongs in wrangler.toml's [vars]: ${base})`);
  } else if (discovery.body.issuer !== base) {
    fail(
      "issuer",
      `ISSUER is ${discovery.body.issuer} but you called ${base}: tokens will name ${discovery.body.issuer}, and SDK verifiers configured with this URL refuse them. Make them equal.`,
    );
  } else pass("issuer", `discovery: issuer ${discovery.body.issuer}, jwks_uri ${discovery.body.jwks_uri}`);

  const validate = await get("/v1/licenses/validate", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    // A well-formed key (base58): a malformed one is refused before the database is asked.
    body: JSON.stringify({ license_key: `lk_${"1".repeat(40)}` }),
  });
  if ("error" in validate) fail("validate", `POST /v1/licenses/validate failed: ${validate.error}`);
  else if (validate.res.status === 200 && validate.body?.valid === false && validate.body?.code === "NOT_FOUND") {
    pass("validate", "POST /v1/licenses/validate of a made-up key: 200 NOT_FOUND, through the database");
  } else if (validate.res.status === 503) {
    fail(
      "validate",
      `validate answered 503 (${errorOf(validate.body)}): the database did not answer within the public routes' 2.5 s budget. See /readyz above.`,
    );
  } else if (validate.res.status === 429) {
    fail("validate", "validate answered 429: the rate limiter refused a single request; check the RL_* bindings' limits in wrangler.toml.");
  } else fail("validate", `validate answered ${validate.res.status}: ${errorOf(validate.body)}`);

  if (!health.res.headers.get("strict-transport-security") && base.startsWith("https://")) {
    fail("security headers", "no Strict-Transport-Security header on /healthz: something in front of the worker strips it.");
  }
}

await main();
for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
const failed = checks.filter((c) => !c.ok).length;
console.log(failed === 0 ? `smoke: ${base} looks healthy (${checks.length} checks).` : `smoke: ${failed} of ${checks.length} checks failed.`);
process.exit(failed === 0 ? 0 : 1);
