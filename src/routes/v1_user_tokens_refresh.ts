// POST /v1/user-tokens/{id}/refresh: a new token value and generation. The old value stops
// working, and so does every access token issued from it.

import { operation, reply } from "../middleware/operation";
import { UserTokenWithSecret, userTokenBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

export default operation({
  method: "post",
  path: "/v1/user-tokens/{id}/refresh",
  operationId: "refreshUserToken",
  audience: "admin",
  permission: "api_keys:write",
  tags: ["User tokens"],
  summary: "Refresh a user token (invalidates its access tokens)",
  description: "With an API key holding every permission of the user token. A revoked user token stays revoked (409).",
  request: { params: IdParam("usr") },
  responses: { 200: { description: "The new token value, shown once", schema: UserTokenWithSecret } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ params }, { services }) => {
    const refreshed = await services.credentials.refreshUserToken(params.id);
    return reply(200, { ...userTokenBody(refreshed.row), token: refreshed.token });
  },
});
