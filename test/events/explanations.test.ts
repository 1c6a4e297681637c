// Every result an activity event can carry has its own plain-language explanation and next step:
// each validation code, and every error code an operation that records activity declares.
import { describe, expect, it } from "vitest";
import { EXPLANATIONS, explain } from "../../src/contract/explanations";
import { VALIDATION_CODES } from "../../src/contract/licenses";
import { OPERATIONS } from "../../src/index";

describe("result code explanations (contract/explanations.ts)", () => {
  it("explain every code an activity-recording operation can answer, and every validation code", () => {
    const codes = new Set<string>(VALIDATION_CODES);
    for (const op of OPERATIONS) if (op.metric) for (const code of op.allowedErrors) codes.add(code);
    const missing = [...codes].filter((code) => !Object.hasOwn(EXPLANATIONS, code)).sort();
    expect(missing).toEqual([]);
    for (const code of codes) {
      const { explanation, next_step } = explain(code);
      expect(explanation.length, code).toBeGreaterThan(20);
      expect(next_step.length, code).toBeGreaterThan(10);
    }
  });
});
