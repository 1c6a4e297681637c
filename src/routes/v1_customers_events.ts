// GET /v1/customers/{id}/events: a customer's activity, across its licenses, newest first, each with its code's explanation.
import { operation, reply } from "../middleware/operation";
import { ActivityEventPage, activityPageBody } from "../wire/activity";
import { ActivityQuery, activityFilter } from "./requests/activity-query";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/customers/{id}/events",
  operationId: "listCustomerEvents",
  audience: "admin",
  permission: ["events:read", "customers:read"],
  tags: ["Activity"],
  summary: "A customer's activity, across its licenses",
  description:
    "Every public request that named the license (validate, verify, activate, deactivate, heartbeat, leases, checkout, air-gapped uploads) and every introspection, refusals included, recorded after the response: within 2 s locally, about a minute on Analytics Engine. Only the tenant's retention (default 90 days) is answered.",
  request: { params: IdParam("cust"), query: ActivityQuery },
  responses: { 200: { description: "A page of events, newest first", schema: ActivityEventPage } },
  errors: ["NOT_FOUND"],
  handler: async ({ params, query }, { services }) =>
    reply(200, activityPageBody(await services.activity.list({ ...activityFilter(query), customerId: params.id }))),
});
