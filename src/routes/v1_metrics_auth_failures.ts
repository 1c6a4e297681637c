// GET /v1/metrics/auth-failures: failed authentications of the tenant's credentials over time, by
// code (UNAUTHORIZED, RATE_LIMITED).

import { operation, reply } from "../middleware/operation";
import { MetricSeries, seriesBody } from "../wire/metrics";
import { IntervalQuery, rangeOf } from "./requests/metrics";

export default operation({
  method: "get",
  path: "/v1/metrics/auth-failures",
  operationId: "getAuthFailureMetrics",
  audience: "admin",
  permission: "metrics:read",
  tags: ["Metrics"],
  summary: "Failed authentications over time",
  description:
    "Needs `metrics:read`. Counts failures of the tenant's own credentials (revoked, expired, rotated out); an unknown credential belongs to no tenant.",
  request: { query: IntervalQuery },
  responses: { 200: { description: "One series per code", schema: MetricSeries } },
  handler: async ({ query }, { services }) => {
    return reply(200, seriesBody(await services.metrics.authFailures({ ...rangeOf(query), interval: query.interval }), "code"));
  },
});
