// DELETE /v1/applications/{id}: remove an application nothing uses any more. While policies or
// licenses still belong to it the foreign keys refuse, and so does this route (409).
import type { App } from "../app";
import { registerRestrictedDelete } from "./restricted-delete";

export const registerV1ApplicationsDelete = (app: App) =>
  registerRestrictedDelete(app, {
    path: "/v1/applications/{id}",
    operationId: "deleteApplication",
    tag: "Applications",
    noun: "Application",
    idPrefix: "app",
    permission: "applications:write",
    remove: (services, id) => services.applications.remove(id),
  });
