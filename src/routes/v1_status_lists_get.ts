// GET /v1/status-lists/{id}: a tenant's Token Status List (draft-ietf-oauth-status-list) as a
// signed `statuslist+jwt`: 2 bits a license (0 valid, 1 revoked, 2 suspended). Public and
// CDN-cacheable (the edge copy in KV answers; no database while it is fresh), weak ETag, CORS `*`.
import { createRoute, z } from "@hono/zod-openapi";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import type { App } from "../app";
import { publicIpRateLimit } from "../middleware/rate-limit";
import { publicCors } from "../middleware/security";
import { STATUS_LIST_TTL_S } from "../services/status-lists";
import { errorResponses } from "../wire/common";
import { IdParam } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/status-lists/{id}",
  operationId: "getStatusList",
  tags: ["Keys"],
  summary: "A status list (draft-ietf-oauth-status-list)",
  description:
    "The list a license file's or token's `status.status_list.uri` names: a JWT (`typ` statuslist+jwt, signed by a key of the JWKS) whose `status_list` holds 2 bits per license index, ZLIB-compressed: 0 valid, 1 revoked, 2 suspended. Rebuilt when a license is suspended, reinstated or revoked; `ttl` says how long to keep it. Weak `ETag`; `If-None-Match` answers 304.",
  middleware: [
    publicIpRateLimit(),
    etag({ retainedHeaders: [...RETAINED_304_HEADERS, "access-control-allow-origin", "access-control-expose-headers"] }),
  ] as const,
  request: { params: IdParam("sl") },
  responses: {
    200: { description: "The signed status list", content: { "application/statuslist+jwt": { schema: z.string() } } },
    304: { description: "Not modified" },
    ...errorResponses(404, 422, 429, 503),
  },
});

export const registerV1StatusListsGet = (app: App) => {
  app.use(route.path.replace("{id}", ":id"), publicCors());
  app.openapi(route, async (c) => {
    const list = await c.var.services.statusLists.current(c.req.valid("param").id);
    return c.body(list.token, 200, {
      "Content-Type": "application/statuslist+jwt",
      "Cache-Control": `public, max-age=${STATUS_LIST_TTL_S}`,
      ETag: list.etag,
    });
  });
};
