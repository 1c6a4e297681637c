// POST /v1/licenses/deactivate: free a device's seat (subject to the policy's churn budget).

import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { DPOP_ERROR_CODES } from "../services/device-proof";
import { Activation, activationBody } from "../wire/activations";
import { deviceBody } from "./requests/public-body";

export default operation({
  method: "post",
  path: "/v1/licenses/deactivate",
  operationId: "deactivateDevice",
  audience: "device",
  metric: "deactivate",
  tags: ["Licenses (public)"],
  summary: "Deactivate a device",
  description: "Frees the seat. A policy may cap deactivations per window (churn budget): past it, 429 DEACTIVATION_LIMIT_REACHED with `Retry-After`.",
  request: { body: deviceBody("DeactivateRequest") },
  responses: { 200: { description: "Deactivated", schema: z.object({ activation: Activation }) } },
  errors: ["LICENSE_NOT_FOUND", "ACTIVATION_NOT_FOUND", "DEACTIVATION_LIMIT_REACHED", ...DPOP_ERROR_CODES],
  handler: async ({ body }, { services }) => {
    const seat = await services.activations.deactivate({ licenseKey: body.license_key, fingerprint: body.fingerprint, now: new Date() });
    return reply(200, { activation: activationBody(seat.activation, seat.heartbeatIntervalS) });
  },
});
