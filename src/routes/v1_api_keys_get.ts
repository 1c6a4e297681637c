// GET /v1/api-keys/{id}

import { operation, reply } from "../middleware/operation";
import { ApiKey, apiKeyBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/api-keys/{id}",
  operationId: "getApiKey",
  audience: "admin",
  permission: "api_keys:read",
  tags: ["API keys"],
  summary: "Get an API key",
  request: { params: IdParam("key") },
  responses: { 200: { description: "The key (no secret)", schema: ApiKey } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, apiKeyBody(await services.credentials.getApiKey(params.id))),
});
