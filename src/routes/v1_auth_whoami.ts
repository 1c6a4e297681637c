// GET /v1/auth/whoami: the calling credential, its tenant and its permissions, for any valid
// credential whatever it may do (a console shows only the screens these permissions allow).

import { operation, reply } from "../middleware/operation";
import { WhoAmI, whoAmIBody } from "../wire/credentials";

export default operation({
  method: "get",
  path: "/v1/auth/whoami",
  operationId: "whoAmI",
  audience: "admin",
  tags: ["Credentials"],
  summary: "The calling credential and its permissions",
  description: "Needs no permission: any live API key or access token may read its own id, kind, permissions and tenant.",
  responses: { 200: { description: "The credential", schema: WhoAmI } },
  handler: async (_, { actor }) => reply(200, whoAmIBody(actor)),
});
