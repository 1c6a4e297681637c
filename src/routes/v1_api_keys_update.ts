// PATCH /v1/api-keys/{id}: rename, or set/clear the expiry (expiring a key is how it is retired
// on a schedule). Permissions are fixed at creation: issue a new key to change them.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { ApiKey, apiKeyBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    expires_at: z.string().datetime({ offset: true }).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateApiKeyRequest", { minProperties: 1 });

export default operation({
  method: "patch",
  path: "/v1/api-keys/{id}",
  operationId: "updateApiKey",
  audience: "admin",
  permission: "api_keys:write",
  tags: ["API keys"],
  summary: "Rename an API key or change its expiry",
  description:
    "The caller must hold every permission of the key (403 otherwise). An expired, revoked or rotated-out key stays dead (409). An access token can only set an expiry no later than its own.",
  request: { params: IdParam("key"), body: Body },
  responses: { 200: { description: "Updated", schema: ApiKey } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ body, params }, { services }) => {
    const expiresAt = body.expires_at === undefined ? undefined : body.expires_at === null ? null : new Date(body.expires_at);
    const row = await services.credentials.updateApiKey(params.id, { name: body.name, expiresAt }, Object.keys(body));
    return reply(200, apiKeyBody(row));
  },
});
