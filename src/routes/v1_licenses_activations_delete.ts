// DELETE /v1/licenses/{id}/activations: release every seat of a license. The rows stay as history
// (`deactivated_at`, reason `admin`); the seats are free at once, and machine files checked out for
// them read invalid in the status list.
import { operation, reply } from "../middleware/operation";
import { ReleasedActivations, releasedBody } from "../wire/activations";
import { IdParam } from "./requests/common";

export default operation({
  method: "delete",
  path: "/v1/licenses/{id}/activations",
  operationId: "releaseAllActivations",
  audience: "admin",
  permission: "activations:write",
  tags: ["Activations"],
  summary: "Release every activation of a license",
  request: { params: IdParam("lic") },
  responses: { 200: { description: "The released activations", schema: ReleasedActivations } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, releasedBody(await services.activations.release(params.id))),
});
