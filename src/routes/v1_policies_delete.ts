// DELETE /v1/policies/{id}: remove a policy no license follows any more (409 while one does).
import { restrictedDelete } from "./requests/declarations";

export default restrictedDelete({
  path: "/v1/policies/{id}",
  operationId: "deletePolicy",
  tag: "Policies",
  noun: "Policy",
  idPrefix: "pol",
  permission: "policies:write",
  remove: (services, id) => services.policies.remove(id),
});
