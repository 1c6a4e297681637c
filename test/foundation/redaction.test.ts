// Logs never carry a secret: `redact()` masks secret-named fields and secret-looking substrings,
// and a request full of secrets (operator token, API key, license key, JWT, database password)
// leaves none of them in any log line.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newAccessToken, newApiKey, newLicenseKey, randomBase58 } from "../../src/crypto/random";
import { redact } from "../../src/logging";
import { callWithEnv, createTenant, UNREACHABLE_DATABASE_URL } from "../harness";

const b64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const fakeJwt = () => `${b64url({ alg: "RS256", typ: "JWT", kid: "k1" })}.${b64url({ sub: "lic_1", exp: 2_000_000_000 })}.${randomBase58(43)}`;

describe("redact()", () => {
  const licenseKey = newLicenseKey();
  const apiKey = newApiKey();
  const jwt = fakeJwt();

  it("masks secret-named fields at any depth and keeps the rest", () => {
    const out = redact({
      tenant_id: "tnt_1",
      status: 200,
      license_key: "anything at all",
      request: {
        headers: { authorization: "Bearer abc", cookie: "session=abc", "content-type": "application/json" },
        body: { api_key: "abc", apiKey: "abc", licenseKey: "abc", password: "hunter2", nested: { client_secret: "abc" } },
      },
      list: [{ secret: "abc", access_token: "abc", refresh_token: "abc", name: "kept" }],
    });
    expect(out).toEqual({
      tenant_id: "tnt_1",
      status: 200,
      license_key: "[REDACTED]",
      request: {
        headers: { authorization: "[REDACTED]", cookie: "[REDACTED]", "content-type": "application/json" },
        body: {
          api_key: "[REDACTED]",
          apiKey: "[REDACTED]",
          licenseKey: "[REDACTED]",
          password: "[REDACTED]",
          nested: { client_secret: "[REDACTED]" },
        },
      },
      list: [{ secret: "[REDACTED]", access_token: "[REDACTED]", refresh_token: "[REDACTED]", name: "kept" }],
    });
  });

  it("masks a secret-named field whatever its value's type", () => {
    expect(redact({ signing_keys: { keys: [{ d: "private" }] }, webhook_secret: ["a", "b"] })).toEqual({
      signing_keys: "[REDACTED]",
      webhook_secret: "[REDACTED]",
    });
  });

  it("masks license keys, API keys, operator tokens and webhook secrets inside free text", () => {
    const text = `validate ${licenseKey} with ${apiKey}, operator op_${randomBase58(30)}, hook whsec_${randomBase58(30)}`;
    const out = redact({ msg: text }) as { msg: string };
    expect(out.msg).toBe("validate lk_[REDACTED] with sk_[REDACTED], operator op_[REDACTED], hook whsec_[REDACTED]");
  });

  it("masks access tokens and user tokens (bare UUIDs) in free text, paths and fields", () => {
    const accessToken = newAccessToken();
    const userToken = crypto.randomUUID();
    const out = redact({
      msg: `exchanged ${userToken} for ${accessToken}`,
      path: `/v1/user-tokens/${userToken.toUpperCase()}/refresh`,
      user_token: userToken,
      access_token: accessToken,
      userToken: "anything",
    });
    expect(out).toEqual({
      msg: "exchanged [REDACTED_UUID] for at_[REDACTED]",
      path: "/v1/user-tokens/[REDACTED_UUID]/refresh",
      user_token: "[REDACTED]",
      access_token: "[REDACTED]",
      userToken: "[REDACTED]",
    });
  });

  it("masks JWTs and Bearer/Basic credentials inside free text", () => {
    const out = redact([`token=${jwt}`, "Authorization: Bearer opaque-token-value", "Basic dXNlcjpwYXNz"]) as string[];
    expect(out).toEqual(["token=[REDACTED_JWT]", "Authorization: Bearer [REDACTED]", "Basic [REDACTED]"]);
  });

  it("masks the password of a Postgres URL and keeps the host", () => {
    const out = redact({
      note: "connect postgres://app:hunter2@db.example.com:5432/licenses failed",
      other: "postgresql://neondb_owner:npg_S3cr3t@ep-x-pooler.neon.tech/neondb?sslmode=require",
    }) as Record<string, string>;
    expect(out.note).toBe("connect postgres://app:[REDACTED]@db.example.com:5432/licenses failed");
    expect(out.other).not.toContain("npg_S3cr3t");
    expect(out.other).toContain("ep-x-pooler.neon.tech");
  });

  it("keeps an error's name and redacted message, never its stack", () => {
    const out = redact({ error: new TypeError(`bad key ${licenseKey}`) });
    expect(out).toEqual({ error: { name: "TypeError", message: "bad key lk_[REDACTED]" } });
  });

  it("masks secrets used as object keys", () => {
    const out = JSON.stringify(redact({ results: { [licenseKey]: "valid" } }));
    expect(out).not.toContain(licenseKey);
  });

  it("keeps empty secret fields visible, so a log shows a credential was absent", () => {
    expect(redact({ authorization: "", api_key: null, token: undefined })).toEqual({
      authorization: "",
      api_key: null,
      token: undefined,
    });
  });

  it("leaves its input unchanged", () => {
    const input = { api_key: "abc", nested: { note: licenseKey } };
    redact(input);
    expect(input).toEqual({ api_key: "abc", nested: { note: licenseKey } });
  });

  it("survives cyclic and very deep objects", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(() => JSON.stringify(redact(cyclic))).not.toThrow();
    let deep: Record<string, unknown> = { secret_note: licenseKey };
    for (let i = 0; i < 20; i++) deep = { inner: deep };
    expect(JSON.stringify(redact(deep))).not.toContain(licenseKey);
  });
});

describe("request logs", () => {
  afterEach(() => vi.restoreAllMocks());

  /** Captures every console line written while `work` runs. */
  async function captureLogs(work: () => Promise<unknown>): Promise<string[]> {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation(capture);
    }
    await work();
    vi.restoreAllMocks();
    return lines;
  }

  it("carry no raw secret from headers, bodies, paths or the database URL", async () => {
    const tenant = await createTenant("Redaction tenant");
    const licenseKey = newLicenseKey();
    const jwt = fakeJwt();
    const dbPassword = `pw_${randomBase58(24)}`;
    const debug = { LOG_LEVEL: "debug" };
    const user = await (await callWithEnv({}, "/v1/user-tokens", { token: tenant.apiKey, body: { name: "logged", permissions: ["tenants:read"] } })).json<{
      token: string;
    }>();
    const access = await (await callWithEnv({}, "/v1/auth/token", { body: { user_token: user.token } })).json<{ access_token: string }>();
    const secrets = {
      operator: env.OPERATOR_TOKEN,
      apiKey: tenant.apiKey,
      licenseKey,
      jwt,
      dbPassword,
      userToken: user.token,
      accessToken: access.access_token,
    };

    const lines = await captureLogs(async () => {
      // Created: logs "tenant created" and the request.
      await callWithEnv(debug, "/v1/tenants", { token: env.OPERATOR_TOKEN, body: { name: "Logged tenant" } });
      // Refused: an unknown field holding a license key and a JWT.
      await callWithEnv(debug, "/v1/tenants", {
        token: env.OPERATOR_TOKEN,
        body: { name: "x", license_key: licenseKey, token: jwt },
      });
      // Authenticated, with secrets in the query string and extra headers.
      await callWithEnv(debug, `/v1/tenant?license_key=${licenseKey}&token=${jwt}`, {
        token: tenant.apiKey,
        headers: { "X-License-Key": licenseKey, "X-Request-Id": tenant.apiKey },
      });
      // Unknown paths made of secrets: the path is logged.
      await callWithEnv(debug, `/v1/licenses/${licenseKey}/tokens/${jwt}`);
      await callWithEnv(debug, `/v1/keys/${tenant.apiKey}/${env.OPERATOR_TOKEN}`);
      // A user token in a path, and an access token in a path and a refused body.
      await callWithEnv(debug, `/v1/user-tokens/${user.token}/refresh`, { token: access.access_token, method: "POST" });
      await callWithEnv(debug, `/v1/tokens/${access.access_token}`, { token: access.access_token });
      await callWithEnv(debug, "/v1/auth/token", { body: { user_token: user.token, access_token: access.access_token } });
      // A database failure, whose error is logged, with a password in the connection string.
      await callWithEnv({ ...debug, DATABASE_URL: UNREACHABLE_DATABASE_URL.replace(":postgres@", `:${dbPassword}@`) }, "/v1/tenant", { token: tenant.apiKey });
    });

    // The capture saw the requests (at debug level, one line each at least) ...
    expect(lines.filter((line) => line.includes('"msg":"request"'))).toHaveLength(9);
    expect(lines.join("\n")).toContain("[REDACTED_UUID]");
    expect(lines.join("\n")).toContain("at_[REDACTED]");
    expect(lines.join("\n")).toContain("lk_[REDACTED]");
    expect(lines.join("\n")).toContain("[REDACTED_JWT]");
    expect(lines.some((line) => line.includes('"level":"error"'))).toBe(true);
    // ... and none of the secrets.
    for (const line of lines) {
      for (const [name, secret] of Object.entries(secrets)) expect(line, `${name} leaked`).not.toContain(secret);
    }
  });
});
