// POST /v1/licenses/heartbeat: a device says it is alive; the answer says when to call again.

import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { REFUSAL_ERROR_CODES } from "../services/license-validation";
import { Activation, activationBody } from "../wire/activations";
import { deviceBody } from "./requests/public-body";

export default operation({
  method: "post",
  path: "/v1/licenses/heartbeat",
  operationId: "sendHeartbeat",
  audience: "device",
  metric: "heartbeat",
  tags: ["Licenses (public)"],
  summary: "Heartbeat for an activated device",
  description: "Refreshes the activation. Under a heartbeat policy, a device later than interval + grace is released: 409 HEARTBEAT_DEAD (activate again).",
  request: { body: deviceBody("HeartbeatRequest") },
  responses: {
    200: {
      description: "Alive",
      content: { "application/json": { schema: z.object({ activation: Activation, next_heartbeat_after: z.string().nullable() }) } },
    },
  },
  errors: [...REFUSAL_ERROR_CODES, "ACTIVATION_NOT_FOUND", "HEARTBEAT_DEAD"],
  handler: async ({ body }, { clientIp, services }) => {
    const seat = await services.activations.heartbeat({
      licenseKey: body.license_key,
      fingerprint: body.fingerprint,
      clientIp,
      now: new Date(),
    });
    const activation = activationBody(seat.activation, seat.heartbeatIntervalS);
    return reply(200, { activation, next_heartbeat_after: activation.next_heartbeat_after });
  },
});
