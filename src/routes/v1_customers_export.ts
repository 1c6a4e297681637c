// GET /v1/customers/{id}/export: everything the service holds about a customer and its users, as
// one JSON document (a data subject's access or portability request). The caller must be able to
// read every part of it, so it needs each of those permissions.
import { operation, reply } from "../middleware/operation";
import { CustomerExport, exportBody } from "../wire/privacy";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/customers/{id}/export",
  operationId: "exportCustomer",
  audience: "admin",
  permission: ["customers:read", "users:read", "groups:read", "licenses:read", "activations:read", "webhooks:read", "audit:read"],
  tags: ["Customers"],
  summary: "Export a customer's data (GDPR)",
  request: { params: IdParam("cust") },
  responses: { 200: { description: "The whole export", schema: CustomerExport } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services, header }) => {
    header("Content-Disposition", `attachment; filename="${params.id}-export.json"`);
    return reply(200, exportBody(await services.privacy.export(params.id)));
  },
});
