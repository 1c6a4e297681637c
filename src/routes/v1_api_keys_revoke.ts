// POST /v1/api-keys/{id}/revoke: the key stops working on its next request. Idempotent.

import { operation, reply } from "../middleware/operation";
import { ApiKey, apiKeyBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

export default operation({
  method: "post",
  path: "/v1/api-keys/{id}/revoke",
  operationId: "revokeApiKey",
  audience: "admin",
  permission: "api_keys:write",
  tags: ["API keys"],
  summary: "Revoke an API key",
  description: "The caller must hold every permission of the key (403 otherwise). Revoking twice keeps the first `revoked_at`.",
  request: { params: IdParam("key") },
  responses: { 200: { description: "Revoked (or already revoked)", schema: ApiKey } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, apiKeyBody(await services.credentials.revokeApiKey(params.id))),
});
