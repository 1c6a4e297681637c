// POST /v1/licenses/checkout (public): a device with a live activation checks out its own machine
// file (license key + fingerprint), to keep working offline until the file's expiry.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { errorResponses } from "../wire/common";
import { CheckoutFields, LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { jsonBody } from "./requests/common";
import { Domain, publicLicenseBody } from "./requests/public-body";

const Body = publicLicenseBody(
  "CheckoutMachineFileRequest",
  { ...CheckoutFields, domain: Domain.optional().openapi({ description: "The site, for a domain-bound license (as verify takes it)" }) },
  { fingerprint: true, application: true },
);

const route = createRoute({
  method: "post",
  path: "/v1/licenses/checkout",
  operationId: "checkoutMachineFile",
  tags: ["Licenses (public)"],
  summary: "Check out this device's machine file",
  description:
    "For a device holding a live activation: a machine file bound to its fingerprint (see the README's offline model), judged as verify judges it (status, expiry, binding; a floating license's files come only from a borrowed lease: 409 LEASE_REQUIRED). `ttl_s` may only shorten the policy's `offline_ttl_default_s`. The file names its activation's status-list entry, so it reads invalid once the device is deactivated. 404 ACTIVATION_NOT_FOUND for a device that holds no seat; 409 for a suspended, revoked or expired license; 403 IP_NOT_ALLOWED or DOMAIN_MISMATCH as verify.",
  middleware: [metricEvent("checkout"), publicRateLimit()] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: "The machine file", content: { "application/json": { schema: LicenseFileResponse } } },
    ...errorResponses(400, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesCheckoutPublic = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const out = await c.var.services.licenseFiles.checkoutByKey({
      licenseKey: input.license_key,
      fingerprint: input.fingerprint,
      domain: input.domain,
      applicationId: input.application_id,
      clientIp: c.req.header("CF-Connecting-IP"),
      ttlS: input.ttl_s,
      encrypt: input.encrypt,
      now: new Date(),
    });
    return c.json(licenseFileBody(out), 201);
  });
