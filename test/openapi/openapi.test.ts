// GET /openapi.json: the OpenAPI 3.1 document generated from the zod schemas that validate every
// request. It lists every route, names every operation, declares every status an operation can
// answer with the error envelope, and documents the webhook events a receiver gets.
import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/contract/events";
import { ERROR_STATUS, type ErrorCode } from "../../src/errors";
import { app } from "../../src/index";
import { call, createTenant, json } from "../harness";

/** Routes served outside the OpenAPI document on purpose: the document and the docs page. */
const UNDOCUMENTED = new Set(["GET /openapi.json", "GET /docs"]);

const document = async () => json(await call("/openapi.json"));

type Operation = {
  operationId?: string;
  security?: Record<string, unknown>[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, any>;
  requestBody?: any;
};

function operations(doc: { paths: Record<string, Record<string, Operation>> }) {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ id: `${method.toUpperCase()} ${path}`, path, method, op })),
  );
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document listing every registered route", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe("3.1.0");
    const documented = new Set(operations(doc).map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{([^}]+)\}/g, ":$1")}`));
    const registered = new Set(app.routes.filter((r) => r.method !== "ALL" && r.method !== "OPTIONS").map((r) => `${r.method} ${r.path}`));
    const missing = [...registered].filter((route) => !UNDOCUMENTED.has(route) && !documented.has(route));
    expect(missing).toEqual([]);
    expect(documented.size).toBe(registered.size - UNDOCUMENTED.size);
  });

  it("names every operation with a unique operationId (SDK generators need them)", async () => {
    const ops = operations(await document());
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.filter((id) => typeof id !== "string" || !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ops.length);
    expect(ops.find((o) => o.id === "POST /v1/licenses/verify")!.op.operationId).toBe("verifyLicense");
  });

  it("gives every operation a success response and error responses with the envelope", async () => {
    for (const { id, path, op } of operations(await document())) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith("2") || s === "304"),
        id,
      ).toBe(true);
      if (op.requestBody) expect(Object.keys(op.requestBody.content).length, id).toBeGreaterThan(0);
      if (path.startsWith("/v1/") && !path.includes("jwks")) {
        const errors = statuses.filter((s) => /^[45]/.test(s));
        expect(errors.length, `${id} has error responses`).toBeGreaterThan(0);
        for (const s of errors) {
          // The envelope, with the codes this status stands for: each of them answers with this status.
          const codes: ErrorCode[] = op.responses[s].content["application/json"].schema.properties.error.properties.code.enum;
          expect(codes.length, `${id} ${s}`).toBeGreaterThan(0);
          expect(
            codes.filter((code) => String(ERROR_STATUS[code]) !== s),
            `${id} ${s}`,
          ).toEqual([]);
          expect(op.responses[s].description, `${id} ${s}`).toBe(`\`${[...codes].sort().join("`, `")}\``);
        }
      }
    }
  });

  it("declares 401, 403 and 429 on every authenticated operation, and 422 wherever a path id is validated", async () => {
    const undeclared: string[] = [];
    for (const { id, op } of operations(await document())) {
      const statuses = Object.keys(op.responses);
      const needs = [
        // A credential reading itself needs no permission, so it has no 403.
        ...(op.security?.some((s) => "bearerAuth" in s) ? (id === "GET /v1/auth/whoami" ? ["401", "429"] : ["401", "403", "429"]) : []),
        ...(op.security?.some((s) => "operatorToken" in s) ? ["401", "429"] : []),
        ...((op.parameters ?? []).some((p) => p.in === "path") ? ["422"] : []),
      ];
      for (const status of needs) if (!statuses.includes(status)) undeclared.push(`${id} ${status}`);
    }
    expect(undeclared).toEqual([]);
  });

  it("documents every webhook event with its Standard Webhooks signature headers", async () => {
    const doc = await document();
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const event = doc.webhooks[type].post;
      expect(event.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
        "header:webhook-id",
        "header:webhook-timestamp",
        "header:webhook-signature",
      ]);
      const body = event.requestBody.content["application/json"].schema;
      expect(body.required).toEqual(["type", "timestamp", "data"]);
      expect(body.properties.type).toEqual({ type: "string", enum: [type] });
    }
    expect(doc.webhooks["license.suspended"].post.requestBody.content["application/json"].schema.properties.data).toEqual({
      $ref: "#/components/schemas/License",
    });
  });

  it("states limits as schema keywords: metadata size, fingerprint length, PATCH needing a field", async () => {
    const { components } = await document();
    const activate = components.schemas.ActivateRequest;
    expect(activate.properties.metadata.maxProperties).toBe(64);
    expect(activate.properties.fingerprint.maxLength).toBe(512);
    for (const name of ["UpdateApiKeyRequest", "UpdateApplicationRequest", "UpdateLicenseRequest", "UpdatePolicyRequest", "UpdateWebhookRequest"]) {
      expect(components.schemas[name].minProperties, name).toBe(1);
    }
  });

  it("shows the LicenseChain aliases beside the canonical names", async () => {
    const { components } = await document();
    for (const name of ["ValidateLicenseRequest", "ActivateRequest", "DeactivateRequest", "HeartbeatRequest", "ValidateHardwareRequest"]) {
      const props = components.schemas[name].properties;
      expect(Object.keys(props), name).toEqual(expect.arrayContaining(["license_key", "key", "fingerprint", "hwuid"]));
      expect(props.key.description, name).toBe("Alias of `license_key`, as LicenseChain's SDKs send it");
      expect(components.schemas[name].additionalProperties, name).toBe(false);
    }
    expect(Object.keys(components.schemas.IntrospectionRequest.properties)).toEqual(["token", "license_token", "token_type_hint"]);
    expect(Object.keys(components.schemas.RevokeTokenRequest.properties)).toEqual(["token", "license_token", "jti"]);
  });

  it("documents the admin API's application and policy operations with their statuses", async () => {
    const { paths } = await document();
    for (const resource of ["applications", "policies"]) {
      const collection = paths[`/v1/${resource}`];
      const item = paths[`/v1/${resource}/{id}`];
      expect(Object.keys(collection).sort()).toEqual(["get", "post"]);
      expect(Object.keys(item).sort()).toEqual(["delete", "get", "patch"]);
      expect(Object.keys(collection.get.responses)).toContain("200");
      expect(Object.keys(item.get.responses)).toContain("404");
      expect(Object.keys(item.patch.responses)).toContain("422");
      expect(Object.keys(item.delete.responses)).toEqual(expect.arrayContaining(["204", "404", "409"]));
      expect(item.delete.responses["204"].content).toBeUndefined();
      expect(item.patch.requestBody.content["application/json"].schema.$ref).toBe(
        `#/components/schemas/${resource === "applications" ? "UpdateApplicationRequest" : "UpdatePolicyRequest"}`,
      );
    }
    const policyQuery = paths["/v1/policies"].get.parameters.map((p: { name: string }) => p.name);
    expect(policyQuery).toEqual(expect.arrayContaining(["limit", "starting_after", "application_id"]));
  });

  it("is the same schema that validates requests: a violating request gets the error envelope", async () => {
    const t = await createTenant("openapi");
    const { components } = await document();
    const schema = components.schemas.CreateApiKeyRequest;
    expect(schema.required).toEqual(expect.arrayContaining(["name", "permissions"]));
    expect(schema.additionalProperties).toBe(false);
    const res = await call("/v1/api-keys", { token: t.apiKey, body: { name: "x" } });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", request_id: expect.stringMatching(/^req_/) });
    expect(body.error.details[0].path).toBe("permissions");
  });
});
