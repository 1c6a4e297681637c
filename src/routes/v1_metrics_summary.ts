// GET /v1/metrics/summary: exact gauges from Postgres (licenses by status, live devices, seats,
// expiries, failing deliveries) and the last 24 hours' and 30 days' validations.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { MetricSummary, summaryBody } from "../wire/metrics";

const route = createRoute({
  method: "get",
  path: "/v1/metrics/summary",
  operationId: "getMetricsSummary",
  tags: ["Metrics"],
  summary: "Gauges and recent totals",
  description: "Needs `metrics:read`.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("metrics:read")] as const,
  responses: {
    200: { description: "The summary", content: { "application/json": { schema: MetricSummary } } },
    ...errorResponses(401, 403, 429, 503),
  },
});

export const registerV1MetricsSummary = (app: App) => app.openapi(route, async (c) => c.json(summaryBody(await c.var.services.metrics.summary()), 200));
