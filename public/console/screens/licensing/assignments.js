// Named seats on a license's page: the users and groups of its customer who hold it, how many
// distinct users that makes against the policy's max_users, and assigning or unassigning them.
// The API checks the limit and the customer under the license's lock; a refusal (409
// TOO_MANY_USERS, CUSTOMER_MISMATCH) is shown as it came, with its code and request id.
import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ConfirmButton, ErrorNote, Field, Id, Refused, Table, useAction, useApp, useLoad } from "../../lib/ui.js";
import { plural } from "../customers/common.js";
import { ROLE_LABELS, UserCell, useCustomerUsers, userLabel } from "../customers/users.js";
import { loadAll } from "./common.js";

/** @typedef {import("../../lib/api.js").Schema<"License">} License */
/** @typedef {import("../../lib/api.js").Schema<"LicenseAssignments">} Assignments */

/** "2 of 5 named seats held", or "2 users hold it (no limit)". */
function holdersText(a) {
  return a.max_users === null
    ? `${plural(a.holders, "user")} ${a.holders === 1 ? "holds" : "hold"} it · no limit`
    : `${a.holders} of ${a.max_users} named seats held`;
}

/**
 * One picker for the customer's users and groups not yet assigned; "user:<id>" or "group:<id>".
 * @param {{ license: License, assigned: Assignments, onAssigned: () => void }} props
 */
function AssignForm({ license, assigned, onAssigned }) {
  const { api } = useApp();
  const people = useCustomerUsers(license.customer_id);
  const groups = useLoad(
    () => loadAll((cursor) => api.get("/v1/groups", { limit: 100, starting_after: cursor, customer_id: license.customer_id })),
    [license.customer_id],
  );
  const [pick, setPick] = useState("");
  const users = (people.users ?? []).filter((u) => !assigned.users.some((a) => a.id === u.id));
  const teams = (groups.data ?? []).filter((g) => !assigned.groups.some((a) => a.id === g.id));
  const assign = useAction(async () => {
    const [kind, id] = pick.split(":");
    if (kind === "user") await api.post(path("/v1/licenses/{id}/users", { id: license.id }), { user_id: id });
    else await api.post(path("/v1/licenses/{id}/groups", { id: license.id }), { group_id: id });
    setPick("");
    onAssigned();
  });
  const submit = (e) => {
    e.preventDefault();
    if (pick) assign.run();
  };
  const nothing = !people.users || (users.length === 0 && teams.length === 0);
  return html`<form class="cust-inline-form" onSubmit=${submit}>
      <${Field} id="assign-pick" label="Assign to">
        <select id="assign-pick" value=${pick} onChange=${(e) => setPick(e.currentTarget.value)}>
          <option value="">${nothing ? "No user or group left to assign" : "Choose a user or group"}</option>
          ${users.length ? html`<optgroup label="Users">${users.map((u) => html`<option value=${`user:${u.id}`}>${userLabel(u)}</option>`)}</optgroup>` : null}
          ${
            teams.length
              ? html`<optgroup label="Groups">
                ${teams.map((g) => html`<option value=${`group:${g.id}`}>${g.name} (${plural(g.member_ids.length, "member")})</option>`)}
              </optgroup>`
              : null
          }
        </select>
      <//>
      <${Button} kind="primary" type="submit" busy=${assign.busy} disabled=${!pick}>Assign<//>
    </form>
    <${ErrorNote} error=${assign.error || people.error || groups.error} />`;
}

/** @param {{ license: License }} props */
export function Assignments({ license }) {
  const { api, can, notify } = useApp();
  const readable = can("users:read") && can("groups:read");
  const load = useLoad(
    async () => (readable && license.customer_id ? await api.get(path("/v1/licenses/{id}/assignments", { id: license.id })) : null),
    [license.id, license.customer_id, readable],
  );
  const writes = can("licenses:write") && license.status !== "revoked";
  const a = load.data;

  if (!license.customer_id) {
    return html`<div class="card">
      <h2>Assigned users</h2>
      <p class="muted">Named seats go to a customer's users: this license belongs to no customer.${writes ? " Choose one with Edit." : ""}</p>
    </div>`;
  }
  if (!readable) return html`<div class="card"><h2>Assigned users</h2><${Refused} permission=${can("users:read") ? "groups:read" : "users:read"} /></div>`;

  const unassign = async (kind, item) => {
    if (kind === "user") await api.del(path("/v1/licenses/{id}/users/{user_id}", { id: license.id, user_id: item.id }));
    else await api.del(path("/v1/licenses/{id}/groups/{group_id}", { id: license.id, group_id: item.id }));
    notify(`${kind === "user" ? item.email : item.name} unassigned.`);
    load.reload();
  };
  const unassignButton = (kind, item, label) =>
    html`<${ConfirmButton}
      small
      label="Unassign"
      title=${`Unassign ${label}?`}
      message=${kind === "user" ? `${label} no longer holds this license (unless through a group).` : `The members of ${label} no longer hold this license through it.`}
      onConfirm=${() => unassign(kind, item)}
    />`;

  /** @type {import("../../lib/ui.js").Column<import("../../lib/api.js").Schema<"User">>[]} */
  const userColumns = [
    { label: "User", render: (u) => html`<${UserCell} user=${u} />` },
    { label: "Role", render: (u) => ROLE_LABELS[u.role] },
    ...(writes ? [{ label: "Seat", className: "lic-row-actions", render: (u) => unassignButton("user", u, userLabel(u)) }] : []),
  ];
  /** @type {import("../../lib/ui.js").Column<import("../../lib/api.js").Schema<"Group">>[]} */
  const groupColumns = [
    { label: "Group", render: (g) => html`<strong>${g.name}</strong><div class="sub-id"><${Id} value=${g.id} /></div>` },
    { label: "Members", render: (g) => plural(g.member_ids.length, "member") },
    ...(writes ? [{ label: "Seat", className: "lic-row-actions", render: (g) => unassignButton("group", g, g.name) }] : []),
  ];

  return html`<div class="card">
    <div class="lic-card-header">
      <h2>Assigned users</h2>
      ${a ? html`<span class=${a.max_users !== null && a.holders >= a.max_users ? "badge badge-suspended" : "muted"}>${holdersText(a)}</span>` : null}
    </div>
    <${ErrorNote} error=${load.error} />
    ${
      a
        ? html`${writes ? html`<${AssignForm} license=${license} assigned=${a} onAssigned=${load.reload} />` : null}
          ${
            a.users.length === 0 && a.groups.length === 0
              ? html`<p class="empty">No user or group holds this license yet.</p>`
              : html`${a.users.length ? html`<${Table} label="Assigned users" columns=${userColumns} rows=${a.users} empty="" />` : null}
                ${a.groups.length ? html`<h3 class="cust-subhead">Through groups</h3><${Table} label="Assigned groups" columns=${groupColumns} rows=${a.groups} empty="" />` : null}`
          }`
        : load.loading
          ? html`<p class="muted">Loading…</p>`
          : null
    }
  </div>`;
}
