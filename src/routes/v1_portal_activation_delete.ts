// DELETE /v1/portal/licenses/{id}/activations/{activation_id}: the customer frees one of its devices
// ("I replaced my computer"), within the policy's churn budget.
import { operation, reply } from "../middleware/operation";
import { PortalDevice, portalDeviceBody } from "../wire/portal";
import { ActivationParams } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/portal/licenses/{id}/activations/{activation_id}",
  operationId: "deactivatePortalDevice",
  audience: "portal",
  tags: ["Customer portal"],
  summary: "Free one of the customer's devices",
  description:
    "Counts toward the policy's churn budget like a device's own deactivation: past it, 429 DEACTIVATION_LIMIT_REACHED with `Retry-After` and `details.retry_after_s`. Audited with the customer as actor; `activation.deleted` (reason `client`).",
  request: { params: ActivationParams },
  responses: { 200: { description: "The freed device", schema: PortalDevice } },
  errors: ["NOT_FOUND", "DEACTIVATION_LIMIT_REACHED"],
  handler: async ({ params }, { services }) => reply(200, portalDeviceBody(await services.portal.deactivate(params.id, params.activation_id, new Date()))),
});
