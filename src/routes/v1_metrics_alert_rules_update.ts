// PUT /v1/metrics/alert-rules/{kind}: set a threshold alert's threshold, minimum events and switch.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { ALERT_KINDS } from "../contract/metrics";
import { AppError } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { AlertRuleSchema, alertRuleBody } from "../wire/metrics";
import { jsonBody } from "./requests/common";

const Body = z
  .strictObject({
    threshold: z.number().min(0).max(1_000_000),
    min_events: z.number().int().min(1).max(1_000_000).default(1),
    enabled: z.boolean().default(true),
  })
  .openapi("PutAlertRuleRequest");

const route = createRoute({
  method: "put",
  path: "/v1/metrics/alert-rules/{kind}",
  operationId: "putAlertRule",
  tags: ["Metrics"],
  summary: "Set a threshold alert rule",
  description: "Needs `metrics:write`. `validation_failure_rate` takes a share between 0 and 1.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("metrics:write")] as const,
  request: { params: z.object({ kind: z.enum(ALERT_KINDS).openapi({ param: { name: "kind", in: "path" } }) }), body: jsonBody(Body) },
  responses: {
    200: { description: "The rule", content: { "application/json": { schema: AlertRuleSchema } } },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
  },
});

export const registerV1MetricsAlertRulesUpdate = (app: App) =>
  app.openapi(route, async (c) => {
    const { kind } = c.req.valid("param");
    const input = c.req.valid("json");
    if (kind === "validation_failure_rate" && input.threshold > 1) {
      throw new AppError("VALIDATION_FAILED", "A failure rate is a share between 0 and 1.", { details: [{ path: "threshold", message: "At most 1" }] });
    }
    const rule = await c.var.services.metrics.putAlertRule(kind, { threshold: input.threshold, minEvents: input.min_events, enabled: input.enabled });
    return c.json(alertRuleBody(rule), 200);
  });
