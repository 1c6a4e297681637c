// GET /v1/api-keys: the tenant's API keys (prefix and metadata only, never a secret or hash).

import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { ApiKey, apiKeyBody } from "../wire/credentials";
import { PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  audience: "admin",
  permission: "api_keys:read",
  tags: ["API keys"],
  summary: "List API keys",
  request: { query: PageQuery },
  responses: { 200: { description: "A page of API keys", schema: pageOf(ApiKey).openapi("ApiKeyPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.credentials.listApiKeys({ limit: query.limit, startingAfter: query.starting_after });
    return reply(200, { ...page, data: page.data.map(apiKeyBody) });
  },
});
