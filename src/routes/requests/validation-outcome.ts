// What validate, verify and validate-hardware do with an outcome besides the body: the metric's
// code, and the `License-Degraded` header on an answer given from the edge during an outage.
import type { OperationContext } from "../../middleware/operation";
import type { Validation } from "../../services/license-validation";

export const DEGRADED_HEADER = "License-Degraded";

export function noteOutcome(ctx: Pick<OperationContext, "outcome" | "header">, result: Validation): void {
  ctx.outcome(result.code);
  if (result.valid && result.degraded) ctx.header(DEGRADED_HEADER, "true");
}
