// GET /v1/metrics/validations: validate, verify and validate-hardware over time, by code,
// application or colo, in buckets ready to chart.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { METRIC_GROUPS } from "../contract/metrics";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { MetricSeries, seriesBody } from "../wire/metrics";
import { IntervalQuery, rangeOf } from "./requests/metrics";

const route = createRoute({
  method: "get",
  path: "/v1/metrics/validations",
  operationId: "getValidationMetrics",
  tags: ["Metrics"],
  summary: "Validations over time, by result code, application or colo",
  description: "Needs `metrics:read`. Counts every validate, verify and validate-hardware of the tenant; at most 90 days and 1,000 buckets.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("metrics:read")] as const,
  request: { query: IntervalQuery.extend({ group_by: z.enum(METRIC_GROUPS).default("code") }) },
  responses: {
    200: { description: "One series per group", content: { "application/json": { schema: MetricSeries } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1MetricsValidations = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const series = await c.var.services.metrics.validations({ ...rangeOf(query), interval: query.interval, groupBy: query.group_by });
    return c.json(seriesBody(series, query.group_by), 200);
  });
