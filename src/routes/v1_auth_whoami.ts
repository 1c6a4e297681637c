// GET /v1/auth/whoami: the calling credential, its tenant and its permissions, for any valid
// credential whatever it may do (a console shows only the screens these permissions allow).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { WhoAmI, whoAmIBody } from "../wire/credentials";

const route = createRoute({
  method: "get",
  path: "/v1/auth/whoami",
  operationId: "whoAmI",
  tags: ["Credentials"],
  summary: "The calling credential and its permissions",
  description: "Needs no permission: any live API key or access token may read its own id, kind, permissions and tenant.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth()] as const,
  responses: {
    200: { description: "The credential", content: { "application/json": { schema: WhoAmI } } },
    ...errorResponses(401, 429, 503),
  },
});

export const registerV1AuthWhoami = (app: App) => app.openapi(route, (c) => c.json(whoAmIBody(c.var.auth), 200));
