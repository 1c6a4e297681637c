// POST /v1/portal/licenses/{id}/checkout: the customer downloads a license file, or a device's machine file.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { CHECKOUT_ERRORS, LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({ activation_id: z.string().min(1).max(64).optional().openapi({ description: "One of the license's devices: its machine file" }) })
  .openapi("PortalCheckoutRequest");

export default operation({
  method: "post",
  path: "/v1/portal/licenses/{id}/checkout",
  operationId: "checkoutPortalLicense",
  audience: "portal",
  tags: ["Customer portal"],
  summary: "Download a license file or a machine file",
  description: "Judged as the admin checkout judges it (status, expiry, binding: a hardware-bound license gets machine files only).",
  request: { params: IdParam("lic"), body: Body },
  responses: { 201: { description: "The file", schema: LicenseFileResponse } },
  errors: CHECKOUT_ERRORS,
  handler: async ({ params, body }, { services }) =>
    reply(201, licenseFileBody(await services.portal.checkout(params.id, { activationId: body.activation_id, now: new Date() }))),
});
