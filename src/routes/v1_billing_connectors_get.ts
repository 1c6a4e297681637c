// GET /v1/billing/connectors/{id}
import { operation, reply } from "../middleware/operation";
import { BillingConnector, connectorBody } from "../wire/billing";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/billing/connectors/{id}",
  operationId: "getBillingConnector",
  audience: "admin",
  permission: "billing:read",
  tags: ["Billing"],
  summary: "Get a billing connector",
  request: { params: IdParam("bc") },
  responses: { 200: { description: "The connector", schema: BillingConnector } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, connectorBody(await services.billing.get(params.id), services.billing.endpoint(params.id))),
});
