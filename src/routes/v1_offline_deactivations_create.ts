// POST /v1/offline/deactivations (admin): a seller uploads an air-gapped device's removal proof
// (the SDK's createDeactivationProof); the seat it held is freed.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { metricEvent } from "../middleware/metrics";
import { Activation, activationBody } from "../wire/activations";
import { errorResponses } from "../wire/common";
import { jsonBody } from "./requests/common";

const Body = z
  .strictObject({
    proof: z.string().min(1).max(32_768).openapi({ description: "The proof's text: -----BEGIN DEACTIVATION PROOF----- ..." }),
    license_id: z.string().min(1).max(64).optional(),
  })
  .openapi("OfflineDeactivationRequest");

const route = createRoute({
  method: "post",
  path: "/v1/offline/deactivations",
  operationId: "deactivateOffline",
  tags: ["Offline"],
  summary: "Free an air-gapped device's seat from its removal proof",
  description:
    "Checks the proof's HMAC against the license's key, then releases the device's live activation (`activation.deleted`). A proof whose device holds no live seat (already released) is 404 ACTIVATION_NOT_FOUND.",
  security: [{ bearerAuth: [] }],
  middleware: [metricEvent("deactivate"), apiKeyAuth(), requirePermission("activations:write")] as const,
  request: { body: jsonBody(Body) },
  responses: {
    200: { description: "Released", content: { "application/json": { schema: z.object({ activation: Activation }).openapi("OfflineDeactivationResponse") } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1OfflineDeactivationsCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const released = await c.var.services.offline.deactivate({ proof: input.proof, licenseId: input.license_id, now: new Date() });
    return c.json({ activation: activationBody(released) }, 200);
  });
