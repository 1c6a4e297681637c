// DELETE /v1/applications/{id}: remove an application nothing uses any more. While policies or
// licenses still belong to it the foreign keys refuse, and so does this route (409).
import { restrictedDelete } from "./requests/declarations";

export default restrictedDelete({
  path: "/v1/applications/{id}",
  operationId: "deleteApplication",
  tag: "Applications",
  noun: "Application",
  idPrefix: "app",
  permission: "applications:write",
  remove: (services, id) => services.applications.remove(id),
});
