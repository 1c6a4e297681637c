// Operations that differ only in what they name (a lifecycle action, a restricted delete): one
// declaration each, written once here and stated per file, so every file still holds one
// operation and its operationId.
import type { Permission } from "../../contract/permissions";
import { operation, reply } from "../../middleware/operation";
import type { Services } from "../../services";
import { TRANSITIONS, type Transition } from "../../services/license-admin";
import { License, licenseBody } from "../../wire/licenses";
import { IdParam } from "./common";

const SUMMARIES: Record<Transition["action"], string> = {
  suspend: "Suspend a license (reversible)",
  reinstate: "Reinstate a suspended license",
  revoke: "Revoke a license (permanent)",
};

/** POST /v1/licenses/{id}/<action>: a status change that takes effect on the very next validate, verify or introspect. */
export function transitionOperation(action: Transition["action"], operationId: string) {
  const transition = TRANSITIONS.find((t) => t.action === action)!;
  return operation({
    method: "post",
    path: `/v1/licenses/{id}/${action}`,
    operationId,
    audience: "admin",
    permission: "licenses:write",
    tags: ["Licenses (admin)"],
    summary: SUMMARIES[action],
    description: "Idempotent. 409 CONFLICT when the license's current status does not allow it (a revoked license stays revoked).",
    request: { params: IdParam("lic") },
    responses: { 200: { description: "The license after the change", schema: License } },
    errors: ["NOT_FOUND", "CONFLICT"],
    handler: async ({ params }, { services }) => reply(200, licenseBody(await services.licenses.transition(params.id, transition))),
  });
}

export interface RestrictedDelete {
  path: `/v1/${string}/{id}`;
  operationId: string;
  tag: string;
  /** "Application": in the summary. */
  noun: string;
  idPrefix: string;
  permission: Permission;
  /** The service call that deletes it (404 when unknown, 409 while in use). */
  remove: (services: Services, id: string) => Promise<void>;
}

/**
 * DELETE for resources others point at (applications, policies): the foreign keys refuse while
 * anything still belongs to the resource, and the operation answers 409 then (services/restricted-delete.ts).
 */
export const restrictedDelete = (spec: RestrictedDelete) =>
  operation({
    method: "delete",
    path: spec.path,
    operationId: spec.operationId,
    audience: "admin",
    permission: spec.permission,
    tags: [spec.tag],
    summary: `Delete ${/^[aeiou]/i.test(spec.noun) ? "an" : "a"} ${spec.noun.toLowerCase()}`,
    description: "409 CONFLICT while anything still belongs to it; the error says what to delete or move first.",
    request: { params: IdParam(spec.idPrefix) },
    responses: { 204: { description: "Deleted" } },
    errors: ["NOT_FOUND", "CONFLICT"],
    handler: async ({ params }, { services }) => {
      await spec.remove(services, params.id);
      return reply(204, null);
    },
  });
