// GET /v1/metrics/summary: exact gauges from Postgres (licenses by status, live devices, seats,
// expiries, failing deliveries) and the last 24 hours' and 30 days' validations.

import { operation, reply } from "../middleware/operation";
import { MetricSummary, summaryBody } from "../wire/metrics";

export default operation({
  method: "get",
  path: "/v1/metrics/summary",
  operationId: "getMetricsSummary",
  audience: "admin",
  permission: "metrics:read",
  tags: ["Metrics"],
  summary: "Gauges and recent totals",
  description: "Needs `metrics:read`.",
  responses: { 200: { description: "The summary", schema: MetricSummary } },
  handler: async (_, { services }) => reply(200, summaryBody(await services.metrics.summary())),
});
