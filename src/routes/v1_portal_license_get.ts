// GET /v1/portal/licenses/{id}: one of the customer's licenses, its devices, seats and recent activity.
import { operation, reply } from "../middleware/operation";
import { PortalLicense, portalLicenseDetailBody } from "../wire/portal";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/portal/licenses/{id}",
  operationId: "getPortalLicense",
  audience: "portal",
  tags: ["Customer portal"],
  summary: "One of the customer's licenses",
  description: "Another customer's or tenant's license is 404.",
  request: { params: IdParam("lic") },
  responses: { 200: { description: "The license with its devices, live seats and last 20 events", schema: PortalLicense } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, portalLicenseDetailBody(await services.portal.license(params.id))),
});
