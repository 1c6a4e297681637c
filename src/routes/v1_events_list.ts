// GET /v1/events: the tenant's license activity, newest first, filterable by code, operation,
// device and time; each event with its code's explanation.
import { operation, reply } from "../middleware/operation";
import { ActivityEventPage, activityPageBody } from "../wire/activity";
import { ActivityQuery, activityFilter } from "./requests/activity-query";

export default operation({
  method: "get",
  path: "/v1/events",
  operationId: "listEvents",
  audience: "admin",
  permission: "events:read",
  tags: ["Activity"],
  summary: "The tenant's license activity",
  description:
    "Every public request that named one of the tenant's licenses, and every introspection, refusals included (GET /v1/licenses/{id}/events for one license). Only the tenant's retention is answered.",
  request: { query: ActivityQuery },
  responses: { 200: { description: "A page of events, newest first", schema: ActivityEventPage } },
  handler: async ({ query }, { services }) => reply(200, activityPageBody(await services.activity.list(activityFilter(query)))),
});
