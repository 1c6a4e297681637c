// POST /v1/portal/licenses/{id}/offline-activations: the customer uploads an air-gapped device's
// request file and downloads the machine file to carry back to it.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Activation, activationBody } from "../wire/activations";
import { CHECKOUT_ERRORS, LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({ request: z.string().min(1).max(32_768).openapi({ description: "The request file's text: -----BEGIN ACTIVATION REQUEST----- ..." }) })
  .openapi("PortalOfflineActivationRequest");

const Answer = z.object({ activation: Activation, created: z.boolean(), license_file: LicenseFileResponse }).openapi("PortalOfflineActivationResponse");

export default operation({
  method: "post",
  path: "/v1/portal/licenses/{id}/offline-activations",
  operationId: "activatePortalOffline",
  audience: "portal",
  tags: ["Customer portal"],
  summary: "Activate an air-gapped device from its request file",
  description: "As POST /v1/offline/activations, for this license only (a request made for another license is 422).",
  request: { params: IdParam("lic"), body: Body },
  responses: { 200: { description: "Already active: a fresh machine file", schema: Answer }, 201: { description: "Activated", schema: Answer } },
  errors: [...CHECKOUT_ERRORS, "TOO_MANY_ACTIVATIONS", "IDEMPOTENCY_KEY_REUSED", "CONFLICT"],
  handler: async ({ params, body }, { services }) => {
    const out = await services.portal.offlineActivate(params.id, body.request, new Date());
    return reply(out.status, {
      activation: activationBody(out.activation, out.heartbeatIntervalS),
      created: out.created,
      license_file: licenseFileBody(out.file),
    });
  },
});
