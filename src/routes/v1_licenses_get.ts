// GET /v1/licenses/{id}: one license of the caller's tenant (404 for anyone else's).

import { operation, reply } from "../middleware/operation";
import { License, licenseBody } from "../wire/licenses";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/licenses/{id}",
  operationId: "getLicense",
  audience: "admin",
  permission: "licenses:read",
  tags: ["Licenses (admin)"],
  summary: "Get a license",
  request: { params: IdParam("lic") },
  responses: { 200: { description: "The license", schema: License } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, licenseBody(await services.licenses.get(params.id))),
});
