// GET /v1/metrics/top-licenses: the licenses with the most failed (or all) validations.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { TopLicenses, topLicensesBody } from "../wire/metrics";
import { RangeQuery, rangeOf } from "./requests/metrics";

export default operation({
  method: "get",
  path: "/v1/metrics/top-licenses",
  operationId: "getTopLicenses",
  audience: "admin",
  permission: "metrics:read",
  tags: ["Metrics"],
  summary: "Licenses with the most failed or total validations",
  description: "Needs `metrics:read`. `failures` counts validations whose code was not VALID.",
  request: {
    query: RangeQuery.extend({
      metric: z.enum(["failures", "validations"]).default("failures"),
      limit: z.coerce.number().int().min(1).max(100).default(10),
    }),
  },
  responses: { 200: { description: "Most first", schema: TopLicenses } },
  handler: async ({ query }, { services }) => {
    const top = await services.metrics.topLicenses({ ...rangeOf(query), metric: query.metric, limit: query.limit });
    return reply(200, topLicensesBody(top));
  },
});
