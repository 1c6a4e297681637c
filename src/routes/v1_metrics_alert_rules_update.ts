// PUT /v1/metrics/alert-rules/{kind}: set a threshold alert's threshold, minimum events and switch.
import { z } from "@hono/zod-openapi";
import { ALERT_KINDS } from "../contract/metrics";
import { AppError } from "../errors";
import { operation, reply } from "../middleware/operation";
import { AlertRuleSchema, alertRuleBody } from "../wire/metrics";

const Body = z
  .strictObject({
    threshold: z.number().min(0).max(1_000_000),
    min_events: z.number().int().min(1).max(1_000_000).default(1),
    enabled: z.boolean().default(true),
  })
  .openapi("PutAlertRuleRequest");

export default operation({
  method: "put",
  path: "/v1/metrics/alert-rules/{kind}",
  operationId: "putAlertRule",
  audience: "admin",
  permission: "metrics:write",
  tags: ["Metrics"],
  summary: "Set a threshold alert rule",
  description: "Needs `metrics:write`. `validation_failure_rate` takes a share between 0 and 1.",
  request: { params: z.object({ kind: z.enum(ALERT_KINDS).openapi({ param: { name: "kind", in: "path" } }) }), body: Body },
  responses: { 200: { description: "The rule", schema: AlertRuleSchema } },
  handler: async ({ body, params }, { services }) => {
    const { kind } = params;
    if (kind === "validation_failure_rate" && body.threshold > 1) {
      throw new AppError("VALIDATION_FAILED", "A failure rate is a share between 0 and 1.", { details: [{ path: "threshold", message: "At most 1" }] });
    }
    const rule = await services.metrics.putAlertRule(kind, { threshold: body.threshold, minEvents: body.min_events, enabled: body.enabled });
    return reply(200, alertRuleBody(rule));
  },
});
