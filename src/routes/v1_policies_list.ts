// GET /v1/policies: the tenant's policies, newest first, filterable by application.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { Policy, policyBody } from "../wire/policies";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({
  application_id: z.string().min(1).max(64).optional(),
});

export default operation({
  method: "get",
  path: "/v1/policies",
  operationId: "listPolicies",
  audience: "admin",
  permission: "policies:read",
  tags: ["Policies"],
  summary: "List policies",
  request: { query: Query },
  responses: { 200: { description: "A page of policies", schema: pageOf(Policy).openapi("PolicyPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.policies.list({ limit: query.limit, startingAfter: query.starting_after }, { applicationId: query.application_id });
    return reply(200, { ...page, data: page.data.map(policyBody) });
  },
});
