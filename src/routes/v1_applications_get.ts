// GET /v1/applications/{id}: one application of the caller's tenant (404 for anyone else's).

import { operation, reply } from "../middleware/operation";
import { Application, applicationBody } from "../wire/applications";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/applications/{id}",
  operationId: "getApplication",
  audience: "admin",
  permission: "applications:read",
  tags: ["Applications"],
  summary: "Get an application",
  request: { params: IdParam("app") },
  responses: { 200: { description: "The application", schema: Application } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, applicationBody(await services.applications.get(params.id))),
});
