// GET /v1/user-tokens: the tenant's user tokens (never the token values).

import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { UserToken, userTokenBody } from "../wire/credentials";
import { PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/user-tokens",
  operationId: "listUserTokens",
  audience: "admin",
  permission: "api_keys:read",
  tags: ["User tokens"],
  summary: "List user tokens",
  request: { query: PageQuery },
  responses: { 200: { description: "A page of user tokens", schema: pageOf(UserToken).openapi("UserTokenPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.credentials.listUserTokens({ limit: query.limit, startingAfter: query.starting_after });
    return reply(200, { ...page, data: page.data.map(userTokenBody) });
  },
});
