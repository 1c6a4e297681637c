// POST /v1/licenses/deactivate: free a device's seat (subject to the policy's churn budget).

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
  path: "/v1/licenses/deactivate",
  operationId: "deactivateDevice",
  tags: ["Licenses (public)"],
  summary: "Deactivate a device",
  middleware: [metricEvent("deactivate"), publicRateLimit()] as const,
  description: "Frees the seat. A policy may cap deactivations per window (churn budget): past it, 429 DEACTIVATION_LIMIT_REACHED with `Retry-After`.",
  request: { body: jsonBody(deviceBody("DeactivateRequest")) },
  responses: {
    200: { description: "Deactivated", content: { "application/json": { schema: z.object({ activation: Activation }) } } },
    ...errorResponses(400, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesDeactivate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const seat = await c.var.services.activations.deactivate({ licenseKey: input.license_key, fingerprint: input.fingerprint, now: new Date() });
    return c.json({ activation: activationBody(seat.activation, seat.heartbeatIntervalS) }, 200);
  });
