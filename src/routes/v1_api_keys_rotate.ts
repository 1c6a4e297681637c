// POST /v1/api-keys/{id}/rotate: a replacement key (shown once); the old key keeps working for the
// grace period so deployments can switch over, then stops.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { ApiKey, ApiKeyWithSecret, apiKeyBody } from "../wire/credentials";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({
    grace_period_s: z
      .number()
      .int()
      .min(0)
      .max(30 * 86400)
      .default(3600)
      .openapi({ description: "How long the old key keeps working (default 1 h, 0 = stop now)" }),
  })
  .openapi("RotateApiKeyRequest");

export default operation({
  method: "post",
  path: "/v1/api-keys/{id}/rotate",
  operationId: "rotateApiKey",
  audience: "admin",
  permission: "api_keys:write",
  tags: ["API keys"],
  summary: "Rotate an API key with an overlap window",
  description: "The caller must hold every permission of the key (403 otherwise). Only a live key that was not rotated yet can be rotated (409).",
  request: { params: IdParam("key"), body: Body },
  responses: {
    200: {
      description: "The new key (with its secret) and the old key with its new expiry",
      content: { "application/json": { schema: z.object({ key: ApiKeyWithSecret, previous: ApiKey }).openapi("RotateApiKeyResponse") } },
    },
  },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ body, params }, { services }) => {
    const rotated = await services.credentials.rotateApiKey(params.id, body.grace_period_s);
    return reply(200, { key: { ...apiKeyBody(rotated.fresh), key: rotated.secret }, previous: apiKeyBody(rotated.retired) });
  },
});
