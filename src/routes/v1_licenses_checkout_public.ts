// POST /v1/licenses/checkout (public): a device with a live activation checks out its own machine
// file (license key + fingerprint), to keep working offline until the file's expiry.

import { operation, reply } from "../middleware/operation";
import { REFUSAL_ERROR_CODES } from "../services/license-validation";
import { CheckoutFields, LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { Domain, publicLicenseBody } from "./requests/public-body";

const Body = publicLicenseBody(
  "CheckoutMachineFileRequest",
  { ...CheckoutFields, domain: Domain.optional().openapi({ description: "The site, for a domain-bound license (as verify takes it)" }) },
  { fingerprint: true, application: true },
);

export default operation({
  method: "post",
  path: "/v1/licenses/checkout",
  operationId: "checkoutMachineFile",
  audience: "device",
  metric: "checkout",
  tags: ["Licenses (public)"],
  summary: "Check out this device's machine file",
  description:
    "For a device holding a live activation: a machine file bound to its fingerprint (see the README's offline model), judged as verify judges it (status, expiry, binding; a floating license's files come only from a borrowed lease: 409 LEASE_REQUIRED). `ttl_s` may only shorten the policy's `offline_ttl_default_s`. The file names its activation's status-list entry, so it reads invalid once the device is deactivated. 404 ACTIVATION_NOT_FOUND for a device that holds no seat; 409 for a suspended, revoked or expired license; 403 IP_NOT_ALLOWED or DOMAIN_MISMATCH as verify.",
  request: { body: Body },
  responses: { 201: { description: "The machine file", schema: LicenseFileResponse } },
  errors: [...REFUSAL_ERROR_CODES],
  handler: async ({ body }, { clientIp, services }) => {
    const out = await services.licenseFiles.checkoutByKey({
      licenseKey: body.license_key,
      fingerprint: body.fingerprint,
      domain: body.domain,
      applicationId: body.application_id,
      clientIp,
      ttlS: body.ttl_s,
      encrypt: body.encrypt,
      now: new Date(),
    });
    return reply(201, licenseFileBody(out));
  },
});
