// POST /v1/api-keys/{id}/revoke: the key stops working on its next request. Idempotent.
import { createRoute } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import type { App } from "../app";
import { withChanges } from "../services/changes";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { apiKeys } from "../db/schema";
import { getApiKey } from "../db/queries/admin";
import { notFound } from "../errors";
import { errorResponses } from "./schemas";
import { IdParam } from "./admin-schemas";
import { ApiKey, apiKeyBody } from "./credential-schemas";

const route = createRoute({
  method: "post",
  path: "/v1/api-keys/{id}/revoke",
  tags: ["API keys"],
  summary: "Revoke an API key",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { params: IdParam("key") },
  responses: {
    200: { description: "Revoked (or already revoked)", content: { "application/json": { schema: ApiKey } } },
    ...errorResponses(401, 403, 404, 429, 503),
  },
});

export const registerV1ApiKeysRevoke = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const tenantId = c.var.auth.tenantId;
    const now = new Date();
    const row = await withChanges(c, async (tx, record) => {
      const [revoked] = await tx
        .update(apiKeys)
        .set({ revokedAt: now, updatedAt: now })
        .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), eq(apiKeys.kind, "api_key"), isNull(apiKeys.revokedAt)))
        .returning();
      if (revoked) await record({ action: "api_key.revoke", targetType: "api_key", targetId: id, event: { type: "api_key.revoked", data: apiKeyBody(revoked) } });
      return revoked;
    });
    const current = row ?? (await getApiKey(c.var.db(), tenantId, id));
    if (!current) throw notFound("API key");
    return c.json(apiKeyBody(current), 200);
  });
