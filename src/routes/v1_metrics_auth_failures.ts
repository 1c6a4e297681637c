// GET /v1/metrics/auth-failures: failed authentications of the tenant's credentials over time, by
// code (UNAUTHORIZED, RATE_LIMITED).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { MetricSeries, seriesBody } from "../wire/metrics";
import { IntervalQuery, rangeOf } from "./requests/metrics";

const route = createRoute({
  method: "get",
  path: "/v1/metrics/auth-failures",
  operationId: "getAuthFailureMetrics",
  tags: ["Metrics"],
  summary: "Failed authentications over time",
  description:
    "Needs `metrics:read`. Counts failures of the tenant's own credentials (revoked, expired, rotated out); an unknown credential belongs to no tenant.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("metrics:read")] as const,
  request: { query: IntervalQuery },
  responses: {
    200: { description: "One series per code", content: { "application/json": { schema: MetricSeries } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1MetricsAuthFailures = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    return c.json(seriesBody(await c.var.services.metrics.authFailures({ ...rangeOf(query), interval: query.interval }), "code"), 200);
  });
