// GET /v1/metrics/top-licenses: the licenses with the most failed (or all) validations.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { TopLicenses, topLicensesBody } from "../wire/metrics";
import { RangeQuery, rangeOf } from "./requests/metrics";

const route = createRoute({
  method: "get",
  path: "/v1/metrics/top-licenses",
  operationId: "getTopLicenses",
  tags: ["Metrics"],
  summary: "Licenses with the most failed or total validations",
  description: "Needs `metrics:read`. `failures` counts validations whose code was not VALID.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("metrics:read")] as const,
  request: {
    query: RangeQuery.extend({
      metric: z.enum(["failures", "validations"]).default("failures"),
      limit: z.coerce.number().int().min(1).max(100).default(10),
    }),
  },
  responses: {
    200: { description: "Most first", content: { "application/json": { schema: TopLicenses } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1MetricsTopLicenses = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const top = await c.var.services.metrics.topLicenses({ ...rangeOf(query), metric: query.metric, limit: query.limit });
    return c.json(topLicensesBody(top), 200);
  });
