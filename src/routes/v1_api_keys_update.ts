// PATCH /v1/api-keys/{id}: rename, or set/clear the expiry (expiring a key is how it is retired
// on a schedule). Permissions are fixed at creation: issue a new key to change them.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { ApiKey, apiKeyBody } from "../wire/credentials";
import { IdParam, jsonBody } from "./requests/common";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    expires_at: z.string().datetime({ offset: true }).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateApiKeyRequest", { minProperties: 1 });

const route = createRoute({
  method: "patch",
  path: "/v1/api-keys/{id}",
  operationId: "updateApiKey",
  tags: ["API keys"],
  summary: "Rename an API key or change its expiry",
  description:
    "The caller must hold every permission of the key (403 otherwise). An expired, revoked or rotated-out key stays dead (409). An access token can only set an expiry no later than its own.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { params: IdParam("key"), body: jsonBody(Body) },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: ApiKey } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1ApiKeysUpdate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const expiresAt = input.expires_at === undefined ? undefined : input.expires_at === null ? null : new Date(input.expires_at);
    const row = await c.var.services.credentials.updateApiKey(c.req.valid("param").id, { name: input.name, expiresAt }, Object.keys(input));
    return c.json(apiKeyBody(row), 200);
  });
