// POST /v1/applications: a product of the tenant; its id is the `aud` of its license tokens.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Application, applicationBody } from "../wire/applications";
import { ApplicationFields } from "./requests/application-fields";

const Body = z.strictObject({ name: ApplicationFields.name }).openapi("CreateApplicationRequest");

export default operation({
  method: "post",
  path: "/v1/applications",
  operationId: "createApplication",
  audience: "admin",
  permission: "applications:write",
  tags: ["Applications"],
  summary: "Create an application",
  request: { body: Body },
  responses: { 201: { description: "Created", schema: Application } },
  handler: async ({ body }, { services }) => reply(201, applicationBody(await services.applications.create(body.name))),
});
