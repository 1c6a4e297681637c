// POST /v1/licenses/{id}/suspend | reinstate | revoke: status changes that take effect on the very
// next validate, verify or introspect (every one reads the status from Postgres; nothing caches it).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import type { LicenseStatus } from "../contract/licenses";
import { getLicense } from "../db/queries/admin";
import { updateLicense } from "../db/queries/license-updates";
import { AppError, notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { IdParam, License, licenseBody } from "./admin-schemas";
import { errorResponses } from "./schemas";

interface Transition {
  action: "suspend" | "reinstate" | "revoke";
  event: "license.suspended" | "license.reinstated" | "license.revoked";
  to: LicenseStatus;
  /** Statuses the action may start from; the target status itself makes it idempotent. */
  from: readonly LicenseStatus[];
  summary: string;
}

const TRANSITIONS: Transition[] = [
  { action: "suspend", event: "license.suspended", to: "suspended", from: ["active", "suspended"], summary: "Suspend a license (reversible)" },
  { action: "reinstate", event: "license.reinstated", to: "active", from: ["suspended", "active"], summary: "Reinstate a suspended license" },
  { action: "revoke", event: "license.revoked", to: "revoked", from: ["active", "suspended", "revoked"], summary: "Revoke a license (permanent)" },
];

const routeFor = (t: Transition) =>
  createRoute({
    method: "post",
    path: `/v1/licenses/{id}/${t.action}`,
    operationId: `${t.action}License`,
    tags: ["Licenses (admin)"],
    summary: t.summary,
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
    app.openapi(routeFor(t), async (c) => {
      const { id } = c.req.valid("param");
      const tenantId = c.var.auth.tenantId;
      // Only a real change is recorded and announced; the conditional UPDATE decides it atomically.
      const changed = await withChanges(c, async (tx, record) => {
        const updated = await updateLicense(
          tx,
          tenantId,
          id,
          { status: t.to },
          t.from.filter((s) => s !== t.to),
        );
        if (updated) {
          await record({ action: `license.${t.action}`, targetType: "license", targetId: id, event: { type: t.event, data: licenseBody(updated) } });
        }
        return updated;
      });
      if (changed) return c.json(licenseBody(changed), 200);
      const current = await getLicense(c.var.db(), tenantId, id);
      if (!current) throw notFound("License");
      if (current.status === t.to) return c.json(licenseBody(current), 200);
      throw new AppError("CONFLICT", `A ${current.status} license cannot be ${t.action === "reinstate" ? "reinstated" : `${t.action}d`}.`);
    });
  }
};
