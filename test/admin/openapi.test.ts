import { describe, expect, it } from "vitest";
import { call, json } from "../harness";

describe("admin API in the OpenAPI document", () => {
  it("documents every application and policy operation with its success and error statuses", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const { paths } = await json(res);
    for (const resource of ["applications", "policies"]) {
      const collection = paths[`/v1/${resource}`];
      const item = paths[`/v1/${resource}/{id}`];
      expect(Object.keys(collection).sort()).toEqual(["get", "post"]);
      expect(Object.keys(item).sort()).toEqual(["delete", "get", "patch"]);
      expect(collection.get.responses).toHaveProperty("200");
      expect(item.get.responses).toHaveProperty("404");
      expect(item.patch.responses).toHaveProperty("422");
      expect(Object.keys(item.delete.responses)).toEqual(expect.arrayContaining(["204", "404", "409"]));
      expect(item.delete.responses["204"].content).toBeUndefined();
      expect(item.patch.requestBody.content["application/json"].schema).toBeDefined();
    }
    const policyQuery = paths["/v1/policies"].get.parameters.map((p: { name: string }) => p.name);
    expect(policyQuery).toEqual(expect.arrayContaining(["limit", "starting_after", "application_id"]));
  });
});
