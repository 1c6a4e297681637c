// DELETE /v1/policies/{id}: remove a policy no license follows any more (409 while one does).
import type { App } from "../app";
import { registerRestrictedDelete } from "./restricted-delete";

export const registerV1PoliciesDelete = (app: App) =>
  registerRestrictedDelete(app, {
    path: "/v1/policies/{id}",
    operationId: "deletePolicy",
    tag: "Policies",
    noun: "Policy",
    idPrefix: "pol",
    permission: "policies:write",
    remove: (services, id) => services.policies.remove(id),
  });
