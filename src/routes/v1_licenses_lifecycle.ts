// POST /v1/licenses/{id}/suspend | reinstate | revoke: status changes that take effect on the very
// next validate, verify or introspect (every one reads the status from Postgres; nothing caches it).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { TRANSITIONS, type Transition } from "../services/license-admin";
import { errorResponses } from "../wire/common";
import { License, licenseBody } from "../wire/licenses";
import { IdParam } from "./requests/common";

const SUMMARIES: Record<Transition["action"], string> = {
  suspend: "Suspend a license (reversible)",
  reinstate: "Reinstate a suspended license",
  revoke: "Revoke a license (permanent)",
};

const routeFor = (t: Transition) =>
  createRoute({
    method: "post",
    path: `/v1/licenses/{id}/${t.action}`,
    operationId: `${t.action}License`,
    tags: ["Licenses (admin)"],
    summary: SUMMARIES[t.action],
    description: "Idempotent. 409 CONFLICT when the license's current status does not allow it (a revoked license stays revoked).",
    security: [{ bearerAuth: [] }],
    middleware: [apiKeyAuth(), requirePermission("licenses:write")] as const,
    request: { params: IdParam("lic") },
    responses: {
      200: { description: "The license after the change", content: { "application/json": { schema: License } } },
      ...errorResponses(401, 403, 404, 409, 422, 429, 503),
    },
  });

export const registerV1LicensesLifecycle = (app: App) => {
  for (const t of TRANSITIONS) {
    app.openapi(routeFor(t), async (c) => c.json(licenseBody(await c.var.services.licenses.transition(c.req.valid("param").id, t)), 200));
  }
};
