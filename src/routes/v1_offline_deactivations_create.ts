// POST /v1/offline/deactivations (admin): a seller uploads an air-gapped device's removal proof
// (the SDK's createDeactivationProof); the seat it held is freed.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Activation, activationBody } from "../wire/activations";

const Body = z
  .strictObject({
    proof: z.string().min(1).max(32_768).openapi({ description: "The proof's text: -----BEGIN DEACTIVATION PROOF----- ..." }),
    license_id: z.string().min(1).max(64).optional(),
  })
  .openapi("OfflineDeactivationRequest");

export default operation({
  method: "post",
  path: "/v1/offline/deactivations",
  operationId: "deactivateOffline",
  audience: "admin",
  permission: "activations:write",
  metric: "deactivate",
  tags: ["Offline"],
  summary: "Free an air-gapped device's seat from its removal proof",
  description:
    "Checks the proof's HMAC against the license's key, then releases the device's live activation (`activation.deleted`). A proof whose device holds no live seat (already released) is 404 ACTIVATION_NOT_FOUND.",
  request: { body: Body },
  responses: { 200: { description: "Released", schema: z.object({ activation: Activation }).openapi("OfflineDeactivationResponse") } },
  errors: ["NOT_FOUND", "ACTIVATION_NOT_FOUND"],
  handler: async ({ body }, { services }) => {
    const released = await services.offline.deactivate({ proof: body.proof, licenseId: body.license_id, now: new Date() });
    return reply(200, { activation: activationBody(released) });
  },
});
