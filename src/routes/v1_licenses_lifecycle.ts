// POST /v1/licenses/{id}/suspend | reinstate | revoke: status changes that take effect on the very
// next validate, verify or introspect (every one reads the status from Postgres; nothing caches it).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { getLicense } from "../db/queries/admin";
import { updateLicense } from "../db/queries/license-updates";
import type { LicenseStatus } from "../db/schema";
import { AppError, notFound } from "../errors";
import { errorResponses } from "./schemas";
import { IdParam, License, licenseBody } from "./admin-schemas";

interface Transition {
  action: "suspend" | "reinstate" | "revoke";
  to: LicenseStatus;
  /** Statuses the action may start from; the target status itself makes it idempotent. */
  from: readonly LicenseStatus[];
  summary: string;
}

const TRANSITIONS: Transition[] = [
  { action: "suspend", to: "suspended", from: ["active", "suspended"], summary: "Suspend a license (reversible)" },
  { action: "reinstate", to: "active", from: ["suspended", "active"], summary: "Reinstate a suspended license" },
  { action: "revoke", to: "revoked", from: ["active", "suspended", "revoked"], summary: "Revoke a license (permanent)" },
];

const routeFor = (t: Transition) =>
  createRoute({
    method: "post",
    path: `/v1/licenses/{id}/${t.action}`,
    tags: ["Licenses (admin)"],
    summary: t.summary,
    description: "Idempotent. 409 CONFLICT when the license's current status does not allow it (a revoked license stays revoked).",
    security: [{ bearerAuth: [] }],
    middleware: [apiKeyAuth(), requirePermission("licenses:write")] as const,
    request: { params: IdParam("lic") },
    responses: {
      200: { description: "The license after the change", content: { "application/json": { schema: License } } },
      ...errorResponses(401, 403, 404, 409, 429, 503),
    },
  });

export const registerV1LicensesLifecycle = (app: App) => {
  for (const t of TRANSITIONS) {
    app.openapi(routeFor(t), async (c) => {
      const { id } = c.req.valid("param");
      const tenantId = c.var.auth.tenantId;
      const row = await updateLicense(c.var.db(), tenantId, id, { status: t.to }, t.from);
      if (row) {
        c.var.log.info(`license ${t.action}`, { tenant_id: tenantId, license_id: id, actor: c.var.auth.keyId });
        return c.json(licenseBody(row), 200);
      }
      const current = await getLicense(c.var.db(), tenantId, id);
      if (!current) throw notFound("License");
      throw new AppError("CONFLICT", `A ${current.status} license cannot be ${t.action === "reinstate" ? "reinstated" : `${t.action}d`}.`);
    });
  }
};
