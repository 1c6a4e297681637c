// POST /v1/user-tokens: a user token (UUID, shown once) with directly assigned permissions, to be
// exchanged at POST /v1/auth/token for 24 h access tokens.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Permissions, UserTokenWithSecret, userTokenBody } from "../wire/credentials";

const Body = z.strictObject({ name: z.string().trim().min(1).max(200), permissions: Permissions.min(1) }).openapi("CreateUserTokenRequest");

export default operation({
  method: "post",
  path: "/v1/user-tokens",
  operationId: "createUserToken",
  audience: "admin",
  permission: "api_keys:write",
  tags: ["User tokens"],
  summary: "Create a user token",
  description: "With an API key only (an access token gets 403), and with a subset of its permissions.",
  request: { body: Body },
  responses: { 201: { description: "Created; `token` appears only here", schema: UserTokenWithSecret } },
  handler: async ({ body }, { services }) => {
    const { row, token } = await services.credentials.createUserToken({ name: body.name, permissions: body.permissions });
    return reply(201, { ...userTokenBody(row), token });
  },
});
