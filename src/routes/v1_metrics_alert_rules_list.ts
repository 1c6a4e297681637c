// GET /v1/metrics/alert-rules: the tenant's threshold alerts (defaults where none was set).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { AlertRuleSchema, alertRuleBody } from "../wire/metrics";

export default operation({
  method: "get",
  path: "/v1/metrics/alert-rules",
  operationId: "listAlertRules",
  audience: "admin",
  permission: "metrics:read",
  tags: ["Metrics"],
  summary: "Threshold alert rules",
  description:
    "Needs `metrics:read`. Each rule is checked every minute over the last 15 minutes; when crossed, a `metrics.threshold_crossed` webhook event goes out, at most once an hour per rule.",
  responses: { 200: { description: "Every rule kind", schema: z.object({ data: z.array(AlertRuleSchema) }).openapi("AlertRules") } },
  handler: async (_, { services }) => reply(200, { data: (await services.metrics.alertRules()).map(alertRuleBody) }),
});
