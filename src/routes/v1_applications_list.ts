// GET /v1/applications: the tenant's applications, newest first.

import { operation, reply } from "../middleware/operation";
import { Application, applicationBody } from "../wire/applications";
import { pageOf } from "../wire/common";
import { PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/applications",
  operationId: "listApplications",
  audience: "admin",
  permission: "applications:read",
  tags: ["Applications"],
  summary: "List applications",
  request: { query: PageQuery },
  responses: { 200: { description: "A page of applications", schema: pageOf(Application).openapi("ApplicationPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.applications.list({ limit: query.limit, startingAfter: query.starting_after });
    return reply(200, { ...page, data: page.data.map(applicationBody) });
  },
});
