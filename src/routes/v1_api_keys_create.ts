// POST /v1/api-keys: a new API key (`sk_`), with at most the caller's own permissions.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { AppError } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { ApiKeyWithSecret, apiKeyBody, Permissions } from "../wire/credentials";
import { jsonBody } from "./requests/common";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    permissions: Permissions.min(1),
    expires_at: z.string().datetime({ offset: true }).nullable().optional().openapi({ description: "null or absent = no expiry" }),
  })
  .openapi("CreateApiKeyRequest");

const route = createRoute({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  tags: ["API keys"],
  summary: "Create an API key",
  description:
    "The secret is in this answer only. A credential can only create keys with a subset of its own permissions (403 otherwise). A key created through an access token expires no later than that access token and stops working when its user token is revoked or refreshed.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: ApiKeyWithSecret } } },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
  },
});

export const registerV1ApiKeysCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new AppError("VALIDATION_FAILED", "expires_at must be in the future.", { details: [{ path: "expires_at", message: "In the past" }] });
    }
    const { row, secret } = await c.var.services.credentials.createApiKey({ name: input.name, permissions: input.permissions, expiresAt });
    return c.json({ ...apiKeyBody(row), key: secret }, 201);
  });
