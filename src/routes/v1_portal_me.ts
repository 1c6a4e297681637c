// GET /v1/portal/me: the portal's first screen: the customer, the seller's branding, its licenses.
import { operation, reply } from "../middleware/operation";
import { brandingBody, PortalOverview, portalLicenseBody } from "../wire/portal";
import { portalUserBody } from "../wire/portal-users";

export default operation({
  method: "get",
  path: "/v1/portal/me",
  operationId: "getPortalOverview",
  audience: "portal",
  tags: ["Customer portal"],
  summary: "The customer and its licenses",
  responses: { 200: { description: "The customer's licenses with their limits", schema: PortalOverview } },
  handler: async (_, { services }) => {
    const { customer, viewer, branding, licenses } = await services.portal.overview();
    return reply(200, {
      customer: { id: customer.id, name: customer.name, email: customer.email, company: customer.company },
      viewer: { user: viewer.user ? portalUserBody(viewer.user) : null, can_manage_users: viewer.admin },
      branding: brandingBody(branding),
      licenses: licenses.map(({ license, policy }) => portalLicenseBody(license, policy)),
    });
  },
});
