// POST /v1/licenses/{id}/checkout (admin): a license file, or a machine file for one of the
// license's live activations, as JSON. GET on the same path hands the same file out as a download.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { CHECKOUT_ERRORS, CheckoutFields, LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({
    ...CheckoutFields,
    activation_id: z.string().min(1).max(64).optional().openapi({ description: "A live activation of the license: a machine file for that device" }),
  })
  .openapi("CheckoutLicenseRequest");

export default operation({
  method: "post",
  path: "/v1/licenses/{id}/checkout",
  operationId: "checkoutLicense",
  audience: "admin",
  permission: "licenses:write",
  metric: "checkout",
  tags: ["Licenses (admin)"],
  summary: "Check out a license file",
  description:
    "A signed license file for offline use (see the README's offline model): the license's plan, features, expiry and policy, and its status-list reference. With `activation_id`, a machine file bound to that device. Only active, unexpired licenses get one (409 otherwise).",
  request: { params: IdParam("lic"), body: Body },
  responses: { 201: { description: "The license file", schema: LicenseFileResponse } },
  errors: CHECKOUT_ERRORS,
  handler: async ({ body, params }, { services }) => {
    const out = await services.licenseFiles.checkout(params.id, {
      ttlS: body.ttl_s,
      encrypt: body.encrypt,
      activationId: body.activation_id,
      now: new Date(),
    });
    return reply(201, licenseFileBody(out));
  },
});
