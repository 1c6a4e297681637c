// GET /v1/status-lists/{id}: a tenant's Token Status List (draft-ietf-oauth-status-list) as a
// signed `statuslist+jwt`: 2 bits a license (0 valid, 1 revoked, 2 suspended). Public and
// CDN-cacheable (the edge copy in KV answers; no database while it is fresh), weak ETag, CORS `*`.
import { z } from "@hono/zod-openapi";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import { operation } from "../middleware/operation";
import { STATUS_LIST_TTL_S } from "../services/status-lists";
import { IdParam } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/status-lists/{id}",
  operationId: "getStatusList",
  audience: "document",
  // A made-up list id misses KV and reaches Postgres: limited per IP, as the public license routes are.
  ipLimited: true,
  middleware: [etag({ retainedHeaders: [...RETAINED_304_HEADERS, "access-control-allow-origin", "access-control-expose-headers"] })],
  tags: ["Keys"],
  summary: "A status list (draft-ietf-oauth-status-list)",
  description:
    "The list a license file's or token's `status.status_list.uri` names: a JWT (`typ` statuslist+jwt, signed by a key of the JWKS) whose `status_list` holds 2 bits per entry, ZLIB-compressed: 0 valid, 1 invalid (a revoked license, or a released device or borrowed seat), 2 suspended. Its `aud` names the seller's tenant and applications. Rebuilt when an entry's status changes; `ttl` says how long to keep it. Weak `ETag`; `If-None-Match` answers 304.",
  request: { params: IdParam("sl") },
  responses: {
    200: { description: "The signed status list", content: { "application/statuslist+jwt": { schema: z.string() } } },
    304: { description: "Not modified" },
  },
  errors: ["NOT_FOUND"],
  handler: ({ params }, { services }) => services.statusLists.current(params.id),
  respond: (list, { raw }) =>
    raw.body(list.token, 200, {
      "Content-Type": "application/statuslist+jwt",
      "Cache-Control": `public, max-age=${STATUS_LIST_TTL_S}`,
      ETag: list.etag,
    }),
});
