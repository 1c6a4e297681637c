// POST /v1/api-keys: a new API key (`sk_`), with at most the caller's own permissions.
import { z } from "@hono/zod-openapi";
import { AppError } from "../errors";
import { operation, reply } from "../middleware/operation";
import { ApiKeyWithSecret, apiKeyBody, Permissions } from "../wire/credentials";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    permissions: Permissions.min(1),
    expires_at: z.string().datetime({ offset: true }).nullable().optional().openapi({ description: "null or absent = no expiry" }),
  })
  .openapi("CreateApiKeyRequest");

export default operation({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  audience: "admin",
  permission: "api_keys:write",
  tags: ["API keys"],
  summary: "Create an API key",
  description:
    "The secret is in this answer only. A credential can only create keys with a subset of its own permissions (403 otherwise). A key created through an access token expires no later than that access token and stops working when its user token is revoked or refreshed.",
  request: { body: Body },
  responses: { 201: { description: "Created", schema: ApiKeyWithSecret } },
  handler: async ({ body }, { services }) => {
    const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new AppError("VALIDATION_FAILED", "expires_at must be in the future.", { details: [{ path: "expires_at", message: "In the past" }] });
    }
    const { row, secret } = await services.credentials.createApiKey({ name: body.name, permissions: body.permissions, expiresAt });
    return reply(201, { ...apiKeyBody(row), key: secret });
  },
});
