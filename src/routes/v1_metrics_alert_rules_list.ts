// GET /v1/metrics/alert-rules: the tenant's threshold alerts (defaults where none was set).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { AlertRuleSchema, alertRuleBody } from "../wire/metrics";

const route = createRoute({
  method: "get",
  path: "/v1/metrics/alert-rules",
  operationId: "listAlertRules",
  tags: ["Metrics"],
  summary: "Threshold alert rules",
  description:
    "Needs `metrics:read`. Each rule is checked every minute over the last 15 minutes; when crossed, a `metrics.threshold_crossed` webhook event goes out, at most once an hour per rule.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("metrics:read")] as const,
  responses: {
    200: { description: "Every rule kind", content: { "application/json": { schema: z.object({ data: z.array(AlertRuleSchema) }).openapi("AlertRules") } } },
    ...errorResponses(401, 403, 429, 503),
  },
});

export const registerV1MetricsAlertRulesList = (app: App) =>
  app.openapi(route, async (c) => c.json({ data: (await c.var.services.metrics.alertRules()).map(alertRuleBody) }, 200));
