// GET /v1/metrics/validations: validate, verify and validate-hardware over time, by code,
// application or colo, in buckets ready to chart.
import { z } from "@hono/zod-openapi";
import { METRIC_GROUPS } from "../contract/metrics";
import { operation, reply } from "../middleware/operation";
import { MetricSeries, seriesBody } from "../wire/metrics";
import { IntervalQuery, rangeOf } from "./requests/metrics";

export default operation({
  method: "get",
  path: "/v1/metrics/validations",
  operationId: "getValidationMetrics",
  audience: "admin",
  permission: "metrics:read",
  tags: ["Metrics"],
  summary: "Validations over time, by result code, application or colo",
  description: "Needs `metrics:read`. Counts every validate, verify and validate-hardware of the tenant; at most 90 days and 1,000 buckets.",
  request: { query: IntervalQuery.extend({ group_by: z.enum(METRIC_GROUPS).default("code") }) },
  responses: { 200: { description: "One series per group", schema: MetricSeries } },
  handler: async ({ query }, { services }) => {
    const series = await services.metrics.validations({ ...rangeOf(query), interval: query.interval, groupBy: query.group_by });
    return reply(200, seriesBody(series, query.group_by));
  },
});
