// POST /v1/user-tokens/{id}/revoke: the user token and all its access tokens stop working.
import { createRoute } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { App } from "../app";
import { withChanges } from "../services/changes";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { userTokens } from "../db/schema";
import { notFound } from "../errors";
import { errorResponses } from "./schemas";
import { IdParam } from "./admin-schemas";
import { UserToken, userTokenBody } from "./credential-schemas";

const route = createRoute({
  method: "post",
  path: "/v1/user-tokens/{id}/revoke",
  tags: ["User tokens"],
  summary: "Revoke a user token and its access tokens",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("api_keys:write")] as const,
  request: { params: IdParam("usr") },
  responses: {
    200: { description: "Revoked", content: { "application/json": { schema: UserToken } } },
    ...errorResponses(401, 403, 404, 429, 503),
  },
});

export const registerV1UserTokensRevoke = (app: App) =>
  app.openapi(route, async (c) => {
    const now = new Date();
    const { id } = c.req.valid("param");
    const row = await withChanges(c, async (tx, record) => {
      const [revoked] = await tx
        .update(userTokens)
        .set({ revokedAt: now, updatedAt: now })
        .where(and(eq(userTokens.tenantId, c.var.auth.tenantId), eq(userTokens.id, id)))
        .returning();
      if (!revoked) throw notFound("User token");
      await record({ action: "user_token.revoke", targetType: "user_token", targetId: id });
      return revoked;
    });
    return c.json(userTokenBody(row), 200);
  });
