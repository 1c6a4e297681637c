// POST /v1/portal/exchange: the portal page trades its link's one-time code for a portal credential.
import { z } from "@hono/zod-openapi";
import { PORTAL_IDLE_S } from "../contract/portal";
import { AppError } from "../errors";
import { operation, reply } from "../middleware/operation";
import { authFailure } from "../middleware/rate-limit";
import { brandingBody, PortalExchange } from "../wire/portal";

const Body = z.strictObject({ code: z.string().min(1).max(64) }).openapi("PortalExchangeRequest");

export default operation({
  method: "post",
  path: "/v1/portal/exchange",
  operationId: "exchangePortalCode",
  audience: "portal",
  auth: "body",
  tags: ["Customer portal"],
  summary: "Exchange a portal link's code for a portal credential",
  description:
    "The code works once, within 10 minutes of the link's creation, while its session is live. Every failure (unknown, used, expired, revoked) is the same 401, counted toward the per-IP limit of failed authentications.",
  request: { body: Body },
  responses: { 200: { description: "The portal credential", schema: PortalExchange } },
  handler: async ({ body }, { services, raw }) => {
    let out: Awaited<ReturnType<typeof services.portal.exchange>>;
    try {
      out = await services.portal.exchange(body.code, new Date());
    } catch (err) {
      throw err instanceof AppError && err.code === "UNAUTHORIZED" ? await authFailure(raw, err) : err;
    }
    return reply(
      200,
      {
        token: out.token,
        token_type: "Bearer" as const,
        idle_timeout_s: PORTAL_IDLE_S,
        expires_at: out.session.expiresAt.toISOString(),
        return_url: out.session.returnUrl,
        locale: out.session.locale,
        branding: brandingBody(out.branding),
      },
      { "Cache-Control": "no-store" },
    );
  },
});
