// POST /v1/portal/licenses/{id}/key: a customer admin takes a new key for one of its licenses: a
// lost key (only its hash is kept, so it cannot be shown again), or a purchase's first key (a
// billing connector's license is made without anyone seeing its key).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { portalLicenseBody } from "../wire/portal";
import { IdParam } from "./requests/common";

const NewKey = z
  .object({
    key: z.string().openapi({ description: "The license key. Shown once: the portal shows it and forgets it." }),
    key_prefix: z.string(),
  })
  .openapi("PortalLicenseKey");

export default operation({
  method: "post",
  path: "/v1/portal/licenses/{id}/key",
  operationId: "reissuePortalLicenseKey",
  audience: "portal",
  permission: "licenses:write",
  tags: ["Customer portal"],
  summary: "Take a new license key",
  description:
    "For the customer's admins (403 for a member). The previous key stops working at once (apps still using it must be given the new one); devices and seats already activated stay. Audited with the customer as actor; `license.key_reissued`. 409 for a revoked license.",
  request: { params: IdParam("lic") },
  responses: { 200: { description: "The new key, once", schema: NewKey } },
  errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT"],
  handler: async ({ params }, { services }) => {
    const { row, key } = await services.portal.reissueKey(params.id);
    return reply(200, { key, key_prefix: portalLicenseBody(row, undefined).key_prefix }, { "Cache-Control": "no-store" });
  },
});
