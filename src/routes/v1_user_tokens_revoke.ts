// POST /v1/user-tokens/{id}/revoke: the user token and all its access tokens stop working.

import { operation, reply } from "../middleware/operation";
import { UserToken, userTokenBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

export default operation({
  method: "post",
  path: "/v1/user-tokens/{id}/revoke",
  operationId: "revokeUserToken",
  audience: "admin",
  permission: "api_keys:write",
  tags: ["User tokens"],
  summary: "Revoke a user token and its access tokens",
  description:
    "The caller must hold every permission of the user token (403 otherwise). Its access tokens, and the keys created through them, stop at once. Revoking twice keeps the first `revoked_at`.",
  request: { params: IdParam("usr") },
  responses: { 200: { description: "Revoked (or already revoked)", schema: UserToken } },
  errors: ["NOT_FOUND"],
  handler: async ({ params }, { services }) => reply(200, userTokenBody(await services.credentials.revokeUserToken(params.id))),
});
