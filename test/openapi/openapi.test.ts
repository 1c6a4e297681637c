import { describe, expect, it } from "vitest";
import { app } from "../../src/index";
import { call, createTenant, json } from "../harness";

/** Routes served outside the OpenAPI document on purpose: the document and the docs page. */
const UNDOCUMENTED = new Set(["GET /openapi.json", "GET /docs"]);

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document listing every registered route", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe("3.1.0");
    const documented = new Set<string>();
    for (const [path, methods] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(methods)) documented.add(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`);
    }
    const registered = new Set(
      app.routes.filter((r) => r.method !== "ALL" && r.method !== "OPTIONS").map((r) => `${r.method} ${r.path}`),
    );
    for (const route of registered) {
      if (!UNDOCUMENTED.has(route)) expect(documented, route).toContain(route);
    }
    expect(documented.size).toBeGreaterThan(30);
  });

  it("gives every operation its request schema, a success response and error responses with the envelope", async () => {
    const doc = await json(await call("/openapi.json"));
    expect(doc.components.schemas.Error).toBeDefined();
    for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        const statuses = Object.keys(op.responses);
        expect(statuses.some((s) => s.startsWith("2") || s === "304"), `${method} ${path}`).toBe(true);
        if (["post", "patch"].includes(method) && op.requestBody) {
          expect(Object.keys(op.requestBody.content).length, `${method} ${path}`).toBeGreaterThan(0);
        }
        if (path.startsWith("/v1/") && !path.includes("jwks")) {
          const errors = statuses.filter((s) => /^[45]/.test(s));
          expect(errors.length, `${method} ${path} has error responses`).toBeGreaterThan(0);
          for (const s of errors) expect(op.responses[s].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
        }
      }
    }
  });

  it("is the same schema that validates requests: a violating request gets the error envelope", async () => {
    const t = await createTenant("openapi");
    const doc = await json(await call("/openapi.json"));
    const schema = doc.components.schemas.CreateApiKeyRequest;
    expect(schema.required).toEqual(expect.arrayContaining(["name", "permissions"]));
    expect(schema.additionalProperties).toBe(false);
    const res = await call("/v1/api-keys", { token: t.apiKey, body: { name: "x" } });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", request_id: expect.stringMatching(/^req_/) });
    expect(body.error.details[0].path).toBe("permissions");
  });
});
