// DELETE /v1/billing/connectors/{id}: disconnect a provider; the licenses it made stay.
import { operation, reply } from "../middleware/operation";
import { IdParam } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/billing/connectors/{id}",
  operationId: "deleteBillingConnector",
  audience: "admin",
  permission: "billing:write",
  tags: ["Billing"],
  summary: "Delete a billing connector",
  description: "Its event log goes with it; the licenses it made stay as they are (they keep `billing.connector_id` as history). Audited.",
  request: { params: IdParam("bc") },
  responses: { 204: { description: "Deleted" } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => {
    await services.billing.remove(params.id);
    return reply(204, null);
  },
});
