// What validate, verify and validate-hardware do with an outcome besides the body: the metric's
// code, and the `License-Degraded` header on an answer given from the edge during an outage.
import type { Context } from "hono";
import type { AppEnv } from "../../app";
import type { Validation } from "../../services/license-validation";

export const DEGRADED_HEADER = "License-Degraded";

export function noteOutcome(c: Context<AppEnv>, result: Validation): void {
  c.var.metric.code = result.code;
  if (result.valid && result.degraded) c.header(DEGRADED_HEADER, "true");
}
