// POST /v1/licenses/{id}/reissue-key: a new key for the same license, shown once; the old key is
// dead at once. For the customer who lost their key (only its hash is kept, so it cannot be re-sent).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { License, licenseBody } from "../wire/licenses";
import { IdParam } from "./requests/common";

const Reissued = License.extend({ key: z.string().openapi({ description: "The new license key. Shown once: deliver it now." }) }).openapi("ReissuedLicenseKey");

export default operation({
  method: "post",
  path: "/v1/licenses/{id}/reissue-key",
  operationId: "reissueLicenseKey",
  audience: "admin",
  permission: "licenses:write",
  tags: ["Licenses (admin)"],
  summary: "Issue a new key for a license",
  description:
    "The old key stops working the moment this answers (validate answers NOT_FOUND for it, and no degraded answer serves it). Devices, seats and tokens already issued stay: they stand on the license, not on the key. Audited (`license.reissue_key`, with both key prefixes) and announced (`license.key_reissued`). 409 for a revoked license.",
  request: { params: IdParam("lic") },
  responses: { 200: { description: "The license with its new key", schema: Reissued } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ params }, { services }) => {
    const { row, key } = await services.licenses.reissueKey(params.id);
    return reply(200, { ...licenseBody(row), key });
  },
});
