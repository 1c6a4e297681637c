// DELETE /v1/licenses/{id}/activations/{activation_id}: release one seat. The row stays as history
// (`deactivated_at`, reason `admin`); the seat is free at once, and the device's machine files read
// invalid in the status list.
import { operation, reply } from "../middleware/operation";
import { ReleasedActivations, releasedBody } from "../wire/activations";
import { ActivationParams } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/licenses/{id}/activations/{activation_id}",
  operationId: "releaseActivation",
  audience: "admin",
  permission: "activations:write",
  tags: ["Activations"],
  summary: "Release one activation",
  request: { params: ActivationParams },
  responses: { 200: { description: "The released activation", schema: ReleasedActivations } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, releasedBody(await services.activations.release(params.id, params.activation_id))),
});
