// PATCH /v1/tenant: the tenant's own settings (its name, how long license activity is kept).
import { z } from "@hono/zod-openapi";
import { MAX_ACTIVITY_RETENTION_DAYS } from "../contract/activity";
import { operation, reply } from "../middleware/operation";
import { Tenant, tenantBody } from "../wire/tenants";

const origin = z
  .string()
  .max(200)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "https:" && u.origin === v;
    } catch {
      return false;
    }
  }, "An https origin such as https://app.example.com (no path)");

const Portal = z
  .strictObject({
    display_name: z.string().trim().min(1).max(100).nullable(),
    accent_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "A colour as #rrggbb")
      .nullable(),
    support_email: z.string().email().max(254).nullable(),
    support_url: z
      .string()
      .url()
      .max(2048)
      .refine((v) => v.startsWith("https://"), "An https URL")
      .nullable(),
    return_origins: z.array(origin).max(10),
  })
  .partial()
  .openapi("PortalBrandingUpdate", { description: "The customer portal's look and where its back link may point" });

const Body = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    activity_retention_days: z
      .number()
      .int()
      .min(1)
      .max(MAX_ACTIVITY_RETENTION_DAYS)
      .optional()
      .openapi({ description: `Days of license activity kept, 1-${MAX_ACTIVITY_RETENTION_DAYS} (default 90). Older events are deleted by the next cron run.` }),
    portal: Portal.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "Send at least one field to change.")
  .openapi("UpdateTenantRequest");

export default operation({
  method: "patch",
  path: "/v1/tenant",
  operationId: "updateTenant",
  audience: "admin",
  permission: "tenants:write",
  tags: ["Tenant"],
  summary: "Change the tenant's settings",
  request: { body: Body },
  responses: { 200: { description: "The tenant", schema: Tenant } },
  handler: async ({ body }, { actor, services }) =>
    reply(200, tenantBody(await services.tenants.update({ name: body.name, activityRetentionDays: body.activity_retention_days, portal: body.portal }), actor)),
});
