// POST /v1/licenses/heartbeat: a device says it is alive; the answer says when to call again.

import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { Activation, activationBody } from "../wire/activations";
import { errorResponses } from "../wire/common";
import { jsonBody } from "./requests/common";
import { deviceBody } from "./requests/public-body";

const route = createRoute({
  method: "post",
  path: "/v1/licenses/heartbeat",
  operationId: "sendHeartbeat",
  tags: ["Licenses (public)"],
  summary: "Heartbeat for an activated device",
  middleware: [metricEvent("heartbeat"), publicRateLimit()] as const,
  description: "Refreshes the activation. Under a heartbeat policy, a device later than interval + grace is released: 409 HEARTBEAT_DEAD (activate again).",
  request: { body: jsonBody(deviceBody("HeartbeatRequest")) },
  responses: {
    200: {
      description: "Alive",
      content: { "application/json": { schema: z.object({ activation: Activation, next_heartbeat_after: z.string().nullable() }) } },
    },
    ...errorResponses(400, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesHeartbeat = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const seat = await c.var.services.activations.heartbeat({
      licenseKey: input.license_key,
      fingerprint: input.fingerprint,
      clientIp: c.req.header("CF-Connecting-IP"),
      now: new Date(),
    });
    const activation = activationBody(seat.activation, seat.heartbeatIntervalS);
    return c.json({ activation, next_heartbeat_after: activation.next_heartbeat_after }, 200);
  });
