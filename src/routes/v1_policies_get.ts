// GET /v1/policies/{id}: one policy of the caller's tenant (404 for anyone else's).

import { operation, reply } from "../middleware/operation";
import { Policy, policyBody } from "../wire/policies";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/policies/{id}",
  operationId: "getPolicy",
  audience: "admin",
  permission: "policies:read",
  tags: ["Policies"],
  summary: "Get a policy",
  request: { params: IdParam("pol") },
  responses: { 200: { description: "The policy", schema: Policy } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, policyBody(await services.policies.get(params.id))),
});
