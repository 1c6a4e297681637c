// PATCH /v1/applications/{id}: rename an application. Its id (the token `aud`) never changes.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Application, applicationBody } from "../wire/applications";
import { ApplicationFields } from "./requests/application-fields";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({ name: ApplicationFields.name.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateApplicationRequest", { minProperties: 1 });

export default operation({
  method: "patch",
  path: "/v1/applications/{id}",
  operationId: "updateApplication",
  audience: "admin",
  permission: "applications:write",
  tags: ["Applications"],
  summary: "Update an application",
  request: { params: IdParam("app"), body: Body },
  responses: { 200: { description: "Updated", schema: Application } },
  errors: ["NOT_FOUND"],
  handler: async ({ body, params }, { services }) => {
    const row = await services.applications.update(params.id, body);
    return reply(200, applicationBody(row));
  },
});
