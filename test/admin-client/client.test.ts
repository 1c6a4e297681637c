// @edge-license/admin (packages/admin) against the running worker: the seller's flow (application,
// policy, license) through createAdminClient, with the typed answers and the typed error envelope.
// openapi-fetch is given a fetch that calls the worker's own fetch handler inside workerd.
import { exports } from "cloudflare:workers";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type AdminClient,
  createAdminClient,
  type ErrorBody,
  type ErrorCode,
  isErrorBody,
  normaliseBaseUrl,
  type operations,
  type Schema,
} from "../../packages/admin/src/index";
import { BASE, createTenant } from "../harness";

/** A client for `apiKey` whose requests reach the worker; `sent` records each request's URL and Authorization. */
function adminClient(apiKey: string, baseUrl = BASE): { admin: AdminClient; sent: { url: string; authorization: string | null }[] } {
  const sent: { url: string; authorization: string | null }[] = [];
  const admin = createAdminClient({
    baseUrl,
    apiKey,
    fetch: (request) => {
      sent.push({ url: request.url, authorization: request.headers.get("Authorization") });
      return exports.default.fetch(request);
    },
  });
  return { admin, sent };
}

describe("createAdminClient against the worker", () => {
  it("createApplication, createPolicy, createLicense, getLicense: typed answers, the license key in the create answer only", async () => {
    const tenant = await createTenant("admin client happy");
    const { admin, sent } = adminClient(tenant.apiKey);

    const app = await admin.POST("/v1/applications", { body: { name: "Desktop app" } });
    expect(app.response.status, JSON.stringify(app.error)).toBe(201);
    expectTypeOf(app.data!).toEqualTypeOf<Schema<"Application">>();
    expect(app.data!.id).toMatch(/^app_/);
    expect(app.data!.name).toBe("Desktop app");

    // Only `name` is required: every other policy setting has a default the service fills in.
    const policy = await admin.POST("/v1/policies", { body: { name: "Pro", application_id: app.data!.id, max_activations: 2 } });
    expect(policy.response.status, JSON.stringify(policy.error)).toBe(201);
    expect(policy.data).toMatchObject({ application_id: app.data!.id, name: "Pro", max_activations: 2, binding_mode: "none", token_tier: "basic" });
    expect(policy.data!.id).toMatch(/^pol_/);

    // The README's example: create a license under the policy, read its key once.
    const { data, error } = await admin.POST("/v1/licenses", { body: { policy_id: policy.data!.id, plan: "pro", features: ["export"] } });
    if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
    expectTypeOf(data.key).toEqualTypeOf<string>();
    expectTypeOf(data.status).toEqualTypeOf<"active" | "suspended" | "revoked" | "expired">();
    expect(data).toMatchObject({ policy_id: policy.data!.id, application_id: app.data!.id, status: "active", plan: "pro", features: ["export"] });
    expect(data.id).toMatch(/^lic_/);
    expect(data.key).toMatch(/^lk_/);
    expect(data.key.startsWith(data.key_prefix)).toBe(true);

    const fetched = await admin.GET("/v1/licenses/{id}", { params: { path: { id: data.id } } });
    expect(fetched.response.status).toBe(200);
    expect(fetched.data).not.toHaveProperty("key");
    const { key: _key, ...withoutKey } = data;
    expect(fetched.data).toEqual(withoutKey);

    expect(sent.map((s) => s.url)).toEqual([`${BASE}/v1/applications`, `${BASE}/v1/policies`, `${BASE}/v1/licenses`, `${BASE}/v1/licenses/${data.id}`]);
    expect(new Set(sent.map((s) => s.authorization))).toEqual(new Set([`Bearer ${tenant.apiKey}`]));
  });

  it("getLicense and createLicense answer another tenant's license and policy ids with a typed 404 error envelope", async () => {
    const owner = await createTenant("admin client owner");
    const other = await createTenant("admin client other");
    const { admin: ownerAdmin } = adminClient(owner.apiKey);
    const policy = await ownerAdmin.POST("/v1/policies", { body: { name: "Owner's policy" } });
    const license = await ownerAdmin.POST("/v1/licenses", { body: { policy_id: policy.data!.id } });
    expect(license.response.status).toBe(201);

    const { admin } = adminClient(other.apiKey);
    const { data, error, response } = await admin.GET("/v1/licenses/{id}", { params: { path: { id: license.data!.id } } });
    expect(response.status).toBe(404);
    expect(data).toBeUndefined();
    expectTypeOf(error!).toExtend<ErrorBody>();
    expectTypeOf(error!.error.code).toExtend<ErrorCode>();
    expect(isErrorBody(error)).toBe(true);
    expect(error!.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/\S/) });
    expect(error!.error.request_id).toBe(response.headers.get("X-Request-Id"));

    const create = await admin.POST("/v1/licenses", { body: { policy_id: policy.data!.id } });
    expect(create.response.status).toBe(404);
    expect(create.error!.error.code).toBe("NOT_FOUND");
  });

  it("types every operation's error answers as the envelope, with a closed list of codes", () => {
    // Type-level: checked by `npm run typecheck` (tsc -p test); the runtime half is the 404 test above.
    type ErrorAnswers<Op> = Op extends { responses: infer R }
      ? { [S in keyof R & (400 | 401 | 403 | 404 | 409 | 422 | 429 | 503)]: R[S] }[keyof R & (400 | 401 | 403 | 404 | 409 | 422 | 429 | 503)]
      : never;
    type BodyOf<Answer> = Answer extends { content: { "application/json": infer B } } ? B : never;
    type Bodies = BodyOf<ErrorAnswers<operations[keyof operations]>>;
    expectTypeOf<Bodies>().not.toBeNever();
    expectTypeOf<Bodies>().toExtend<ErrorBody>();
    expectTypeOf<"NOT_FOUND" | "VALIDATION_FAILED" | "RATE_LIMITED" | "UNAUTHORIZED">().toExtend<ErrorCode>();
    expectTypeOf<string>().not.toExtend<ErrorCode>();
    expect(isErrorBody({ error: { code: "NOT_FOUND", message: "x", request_id: "req_1" } })).toBe(true);
    expect(isErrorBody("<html>502 Bad Gateway</html>")).toBe(false);
    expect(isErrorBody({ error: "invalid_token" })).toBe(false);
  });

  it("answers a revoked or unknown API key with a typed 401", async () => {
    const { admin } = adminClient("sk_not_a_real_key");
    const { error, response } = await admin.GET("/v1/applications");
    expect(response.status).toBe(401);
    expect(error!.error.code).toBe("UNAUTHORIZED");
  });

  it("joins paths to a normalised baseUrl: trailing slashes dropped, a path prefix kept", async () => {
    const tenant = await createTenant("admin client base");
    const { admin, sent } = adminClient(tenant.apiKey, `${BASE}//`);
    expect((await admin.GET("/v1/applications")).response.status).toBe(200);
    expect(sent[0]!.url).toBe(`${BASE}/v1/applications`);
    expect(normaliseBaseUrl("https://example.com/license/")).toBe("https://example.com/license");
  });

  it("refuses a baseUrl it cannot use, and a missing API key, before any request", () => {
    expect(() => normaliseBaseUrl("license.example.com")).toThrow(TypeError);
    expect(() => normaliseBaseUrl("ftp://license.example.com")).toThrow(TypeError);
    expect(() => normaliseBaseUrl("https://license.example.com/v1/")).toThrow(/leave out \/v1/);
    expect(() => normaliseBaseUrl("https://license.example.com/?tenant=1")).toThrow(TypeError);
    expect(() => createAdminClient({ baseUrl: BASE, apiKey: "" })).toThrow(/apiKey is required/);
  });
});
