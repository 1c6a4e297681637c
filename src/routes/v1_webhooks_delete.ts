// DELETE /v1/webhooks/{id}: the endpoint and its pending deliveries are removed.

import { operation, reply } from "../middleware/operation";
import { IdParam } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/webhooks/{id}",
  operationId: "deleteWebhook",
  audience: "admin",
  permission: "webhooks:write",
  tags: ["Webhooks"],
  summary: "Delete a webhook endpoint",
  request: { params: IdParam("whk") },
  responses: { 204: { description: "Deleted" } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => {
    await services.webhooks.remove(params.id);
    return reply(204, null);
  },
});
