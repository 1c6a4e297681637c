// A customer's groups (a department, a team): a license assigned to a group is held by each of its
// members. Create, rename, delete, and add or remove members; adding a member past a policy's
// max_users on a license the group holds is refused (409 TOO_MANY_USERS) and said so.
import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ConfirmButton, ErrorNote, Field, Id, Modal, Pager, Table, Time, useAction, useApp, usePages } from "../../lib/ui.js";
import { plural } from "./common.js";
import { useCustomerUsers, userLabel } from "./users.js";

/** @typedef {import("../../lib/api.js").Schema<"Group">} Group */
/** @typedef {ReturnType<typeof useCustomerUsers>} CustomerUsers */

/** @param {{ customerId: string, group: Group | null, onSaved: (saved: Group | null) => void, onCancel: () => void }} props */
function GroupForm({ customerId, group, onSaved, onCancel }) {
  const { api } = useApp();
  const [name, setName] = useState(group?.name ?? "");
  const save = useAction(async () => {
    const trimmed = name.trim();
    if (group && trimmed === group.name) return onSaved(null);
    onSaved(
      group
        ? await api.patch(path("/v1/groups/{id}", { id: group.id }), { name: trimmed })
        : await api.post("/v1/groups", { customer_id: customerId, name: trimmed }),
    );
  });
  const submit = (e) => {
    e.preventDefault();
    save.run();
  };
  return html`<form onSubmit=${submit} class="lic-dialog-form">
    <${Field} id="group-name" label="Name" hint="Unique within the customer, e.g. Design team.">
      <input id="group-name" required maxlength="100" autocomplete="off" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
    <//>
    <${ErrorNote} error=${save.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${save.busy}>${group ? "Rename group" : "Create group"}<//>
    </div>
  </form>`;
}

/**
 * A group's members, each removable, and a picker of the customer's other users to add.
 * @param {{ group: Group, people: CustomerUsers, writes: boolean, onChanged: (group: Group) => void }} props
 */
function Members({ group, people, writes, onChanged }) {
  const { api } = useApp();
  const [pick, setPick] = useState("");
  const others = (people.users ?? []).filter((u) => !group.member_ids.includes(u.id));
  const add = useAction(async () => {
    onChanged(await api.post(path("/v1/groups/{id}/members", { id: group.id }), { user_id: pick.trim() }));
    setPick("");
  });
  const remove = useAction(async (userId) => {
    await api.del(path("/v1/groups/{id}/members/{user_id}", { id: group.id, user_id: userId }));
    onChanged({ ...group, member_ids: group.member_ids.filter((m) => m !== userId) });
  });
  const submit = (e) => {
    e.preventDefault();
    if (pick.trim()) add.run();
  };
  const named = (id) => {
    const u = people.user(id);
    return u ? userLabel(u) : id;
  };
  return html`<div class="lic-dialog-form">
    ${
      group.member_ids.length
        ? html`<ul class="cust-members" aria-label="Members">
          ${group.member_ids.map(
            (id) => html`<li key=${id}>
              <span>${named(id)}</span>
              ${
                writes
                  ? html`<${Button} class="btn-small" busy=${remove.busy} onClick=${() => remove.run(id)}>Remove<span class="sr-only"> ${named(id)}</span><//>`
                  : null
              }
            </li>`,
          )}
        </ul>`
        : html`<p class="empty">No members yet.</p>`
    }
    <${ErrorNote} error=${remove.error} />
    ${
      writes
        ? html`<form class="cust-inline-form" onSubmit=${submit}>
          <${Field} id="group-member-add" label="Add a member">
            ${
              people.users
                ? html`<select id="group-member-add" value=${pick} onChange=${(e) => setPick(e.currentTarget.value)}>
                  <option value="">${others.length ? "Choose a user" : "Every user is a member"}</option>
                  ${others.map((u) => html`<option value=${u.id}>${userLabel(u)}</option>`)}
                </select>`
                : html`<input id="group-member-add" placeholder="user_…" value=${pick} onInput=${(e) => setPick(e.currentTarget.value)} />`
            }
          <//>
          <${Button} kind="primary" type="submit" busy=${add.busy} disabled=${!pick.trim()}>Add member<//>
        </form>
        <${ErrorNote} error=${add.error} />`
        : null
    }
  </div>`;
}

/** @param {{ customer: import("../../lib/api.js").Schema<"CustomerDetail">, onChange: () => void }} props */
export function GroupsSection({ customer, onChange }) {
  const { api, can, notify } = useApp();
  const writes = can("groups:write") && !customer.erased_at;
  const people = useCustomerUsers(customer.id);
  const pages = usePages((cursor) => api.get("/v1/groups", { limit: 20, starting_after: cursor, customer_id: customer.id }), [customer.id]);
  // { kind: "new" } | { kind: "rename", group } | { kind: "members", group } | null
  const [dialog, setDialog] = useState(/** @type {{ kind: string, group?: Group } | null} */ (null));
  const [membersChanged, setMembersChanged] = useState(false);
  const close = () => {
    setDialog(null);
    if (membersChanged) {
      setMembersChanged(false);
      pages.reload();
    }
  };
  const done = (message) => {
    notify(message);
    setDialog(null);
    pages.reload();
    onChange();
  };
  const memberNames = (/** @type {Group} */ g) =>
    g.member_ids.length === 0
      ? html`<span class="muted">None</span>`
      : people.users
        ? g.member_ids.map((id) => people.user(id)?.name ?? people.user(id)?.email ?? id).join(", ")
        : plural(g.member_ids.length, "member");

  /** @type {import("../../lib/ui.js").Column<Group>[]} */
  const columns = [
    { label: "Group", render: (g) => html`<strong>${g.name}</strong><div class="sub-id"><${Id} value=${g.id} /></div>` },
    { label: "Members", className: "cust-members-cell", render: memberNames },
    { label: "Created", render: (g) => html`<${Time} iso=${g.created_at} />` },
    {
      label: "Actions",
      className: "lic-row-actions",
      render: (g) => html`<div class="actions">
        <${Button} class="btn-small" onClick=${() => setDialog({ kind: "members", group: g })}>Members<span class="sr-only"> of ${g.name}</span><//>
        ${
          writes
            ? html`<${Button} class="btn-small" onClick=${() => setDialog({ kind: "rename", group: g })}>Rename<span class="sr-only"> ${g.name}</span><//>
              <${ConfirmButton}
                small
                label="Delete"
                title="Delete this group?"
                message=${`${g.name} is deleted. Its ${plural(g.member_ids.length, "member")} stay users of the customer, but lose the licenses they held through this group only.`}
                onConfirm=${async () => {
                  await api.del(path("/v1/groups/{id}", { id: g.id }));
                  done(`Group ${g.name} deleted.`);
                }}
              />`
            : null
        }
      </div>`,
    },
  ];

  return html`<div class="cust-section">
    <div class="lic-card-header">
      <h2>Groups</h2>
      ${writes ? html`<${Button} kind="primary" class="btn-small" onClick=${() => setDialog({ kind: "new" })}>New group<//>` : null}
    </div>
    <${ErrorNote} error=${pages.error || people.error} />
    <${Table}
      label="Groups"
      columns=${columns}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${writes ? "No groups yet. A group lets a license go to a whole team at once." : "No groups yet."}
    />
    <${Pager} pages=${pages} />
    <${Modal}
      title=${dialog?.kind === "members" ? `Members of ${dialog.group.name}` : dialog?.kind === "rename" ? "Rename group" : "New group"}
      open=${dialog !== null}
      onClose=${close}
    >
      ${
        dialog?.kind === "members"
          ? html`<${Members}
              group=${dialog.group}
              people=${people}
              writes=${writes}
              onChanged=${(/** @type {Group} */ group) => {
                setMembersChanged(true);
                setDialog({ kind: "members", group });
              }}
            />
            <div class="form-actions"><${Button} onClick=${close}>Done<//></div>`
          : html`<${GroupForm}
              customerId=${customer.id}
              group=${dialog?.kind === "rename" ? dialog.group : null}
              onCancel=${close}
              onSaved=${(saved) => (saved ? done(dialog?.kind === "rename" ? `Group renamed to ${saved.name}.` : `Group ${saved.name} created.`) : close())}
            />`
      }
    <//>
  </div>`;
}
