// A tenant's applications (products; an application id is the tokens' `aud`).
import { newId } from "../crypto/random";
import {
  type ApplicationRow,
  deleteApplication,
  getApplication,
  insertApplication,
  listApplications,
  updateApplication,
} from "../db/repositories/applications";
import type { PageRequest } from "../db/repositories/pagination";
import { notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";
import { deleteRestricted } from "./restricted-delete";

export function applicationService(deps: ServiceDeps, changes: ChangeRunner) {
  const tenantId = () => requireActor(deps).tenantId;
  return {
    create: (name: string) =>
      changes(async (tx, record) => {
        const row = await insertApplication(tx, { id: newId("app"), tenantId: tenantId(), name });
        // A new `aud` the tenant's status list must name (its tokens and files carry it).
        await record({ action: "application.create", targetType: "application", targetId: row.id, details: { name }, affects: { statusList: true } });
        return row;
      }),

    async get(id: string): Promise<ApplicationRow> {
      const row = await getApplication(deps.db(), tenantId(), id);
      if (!row) throw notFound("Application");
      return row;
    },

    list: (page: PageRequest) => listApplications(deps.db(), tenantId(), page),

    update: (id: string, changesTo: { name?: string }) =>
      changes(async (tx, record) => {
        const row = await updateApplication(tx, tenantId(), id, changesTo);
        if (!row) throw notFound("Application");
        await record({ action: "application.update", targetType: "application", targetId: id, details: changesTo });
        return row;
      }),

    /** 409 while policies or licenses still belong to it. */
    remove: (id: string) =>
      deleteRestricted(changes, id, {
        noun: "Application",
        inUse: "The application still has policies or licenses; an application that ever issued licenses stays (licenses are revoked, never deleted).",
        remove: (tx) => deleteApplication(tx, tenantId(), id),
      }),
  };
}
