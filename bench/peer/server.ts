// The conventional peer: a plain Node HTTP server doing the service's verify the usual Node way.
// A long-lived `pg` Pool over TCP, the same SQL lookup (text captured from drizzle, LOOKUP_SQL),
// the same checks and claims, one RS256 (or whatever SIGNING_KEYS holds) signature with jose, the
// key imported once at startup. Config from the environment; prints "listening <port>" when ready.
//   POST /v1/licenses/verify  { license_key, application_id? }
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { type CryptoKey, importJWK, type JWK, SignJWT } from "jose";

const require = createRequire(import.meta.url);
const { Pool } = require("pg") as typeof import("pg");

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const ISSUER = env("ISSUER");
const TOKEN_USE = env("TOKEN_USE");
const LOOKUP_SQL = env("LOOKUP_SQL");
const LOOKUP_PARAMS = JSON.parse(env("LOOKUP_PARAMS")) as unknown[];
const HASH_AT = LOOKUP_PARAMS.indexOf("$KEY_HASH");
const LICENSE_KEY_PATTERN = /^lk_[1-9A-HJ-NP-Za-km-z]{40}$/;
const TOKEN_LIFETIME_S: Record<string, number> = { basic: 15 * 60, advanced: 60 * 60, custom: 24 * 60 * 60 };
const MAX_BODY = 16 * 1024;

const keys = (JSON.parse(env("SIGNING_KEYS")) as { keys: (JWK & { status?: string })[] }).keys;
const signingJwk = keys.find((k) => k.status === "current") ?? keys.find((k) => typeof k.d === "string");
if (!signingJwk?.kid || !signingJwk.alg) throw new Error("SIGNING_KEYS has no private key with kid and alg");
const { status: _status, ...privateJwk } = signingJwk;
const signingKey = (await importJWK(privateJwk, signingJwk.alg)) as CryptoKey;

const pool = new Pool({ connectionString: env("DATABASE_URL"), max: Number(process.env.PG_POOL_MAX ?? 16) });
pool.on("error", () => {});

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const MESSAGES: Record<string, string> = {
  VALID: "The license is valid.",
  NOT_FOUND: "No license matches this key.",
  EXPIRED: "The license has expired.",
  SUSPENDED: "The license is suspended.",
  REVOKED: "The license has been revoked.",
  PRODUCT_MISMATCH: "The license is not for this application.",
};

type Row = unknown[];
let columns: Map<string, number> | undefined;

async function verify(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBody(req);
  if (text === undefined) return send(res, 413, { error: { code: "PAYLOAD_TOO_LARGE" } });
  let input: { license_key?: unknown; application_id?: unknown };
  try {
    input = JSON.parse(text) as typeof input;
  } catch {
    return send(res, 400, { error: { code: "INVALID_JSON" } });
  }
  if (typeof input !== "object" || input === null || typeof input.license_key !== "string") {
    return send(res, 422, { error: { code: "VALIDATION_FAILED" } });
  }
  const now = new Date();
  const notFound = { valid: false, code: "NOT_FOUND", message: MESSAGES.NOT_FOUND, license: null };
  if (!LICENSE_KEY_PATTERN.test(input.license_key)) return send(res, 200, notFound);

  const values = LOOKUP_PARAMS.slice();
  values[HASH_AT] = createHash("sha256").update(input.license_key).digest("hex");
  const result = await pool.query({ text: LOOKUP_SQL, values, rowMode: "array" });
  const row = result.rows[0] as Row | undefined;
  if (!row) return send(res, 200, notFound);
  columns ??= new Map(result.fields.map((f, i) => [f.name, i] as const).reverse());
  const col = (name: string) => row[columns!.get(name) ?? -1];

  const expiresAt = col("expires_at") as Date | null;
  const storedStatus = col("status") as string;
  const status = storedStatus !== "active" ? storedStatus : expiresAt && expiresAt <= now ? "expired" : "active";
  const license = {
    id: col("id") as string,
    status,
    expires_at: expiresAt?.toISOString() ?? null,
    plan: col("plan") as string | null,
    features: (col("features") as string[] | null) ?? [],
  };
  const applicationId = col("application_id") as string | null;
  const code =
    status === "revoked"
      ? "REVOKED"
      : status === "suspended"
        ? "SUSPENDED"
        : status === "expired"
          ? "EXPIRED"
          : input.application_id !== undefined && input.application_id !== applicationId
            ? "PRODUCT_MISMATCH"
            : "VALID";
  const body = { valid: code === "VALID", code, message: MESSAGES[code], license };
  if (code !== "VALID") return send(res, 200, body);

  const iat = Math.floor(now.getTime() / 1000);
  const licenseExp = expiresAt ? Math.floor(expiresAt.getTime() / 1000) : undefined;
  const exp = Math.min(iat + (TOKEN_LIFETIME_S[col("token_tier") as string] ?? 900), licenseExp ?? Number.MAX_SAFE_INTEGER);
  const token = await new SignJWT({
    iss: ISSUER,
    sub: license.id,
    ...(applicationId ? { aud: applicationId } : {}),
    exp,
    iat,
    nbf: iat,
    jti: randomUUID(),
    token_use: TOKEN_USE,
    lc_vt: col("token_tier") as string,
    seller_tier: col("plan_tier") as string,
    status: "active",
    hw_bound: false,
    plan: license.plan,
    features: license.features,
    ...(licenseExp !== undefined ? { license_exp: licenseExp } : {}),
  })
    .setProtectedHeader({ alg: signingJwk!.alg!, kid: signingJwk!.kid!, typ: "license+jwt" })
    .sign(signingKey);
  send(res, 200, {
    ...body,
    license_token: token,
    license_token_expires_at: new Date(exp * 1000).toISOString(),
    license_jwks_uri: `${ISSUER}/v1/licenses/jwks`,
  });
}

const server = createServer((req, res) => {
  if (req.method === "POST" && req.url === "/v1/licenses/verify") {
    verify(req, res).catch(() => {
      if (!res.headersSent) send(res, 503, { error: { code: "SERVICE_UNAVAILABLE" } });
    });
  } else if (req.url === "/healthz") {
    send(res, 200, { ok: true });
  } else {
    send(res, 404, { error: { code: "NOT_FOUND" } });
  }
});
server.keepAliveTimeout = 30_000;

const shutdown = () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
