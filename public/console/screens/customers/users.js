// A customer's users: the people who hold its licenses (named seats). List, add, change email,
// name or role (member, or admin: may manage the customer's seats in the portal), and delete.
import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ConfirmButton, ErrorNote, Field, Id, Modal, Pager, Table, Time, useAction, useApp, useLoad, usePages } from "../../lib/ui.js";
import { loadAll } from "../licensing/common.js";

/** @typedef {import("../../lib/api.js").Schema<"User">} User */

/** @type {Record<User["role"], string>} */
export const ROLE_LABELS = { member: "Member", admin: "Admin" };

/** A user by name over email, or by email alone. */
export const userLabel = (/** @type {User} */ u) => (u.name ? `${u.name} <${u.email}>` : u.email);

/**
 * Every user of a customer (up to 1,000), for pickers and for naming group members; `users` is
 * null when the credential may not read users (pickers then take ids).
 * @param {string | null} customerId
 */
export function useCustomerUsers(customerId) {
  const { api, can } = useApp();
  const reads = can("users:read");
  const load = useLoad(
    async () => (reads && customerId ? await loadAll((cursor) => api.get("/v1/users", { limit: 100, starting_after: cursor, customer_id: customerId })) : null),
    [customerId, reads],
  );
  const users = reads ? (load.data ?? []) : null;
  return { users, error: load.error, reload: load.reload, user: (/** @type {string} */ id) => users?.find((u) => u.id === id) ?? null };
}

/** @param {{ user: User }} props */
export function UserCell({ user }) {
  return html`<span class="cust-ref">
    <strong>${user.name ?? user.email}</strong>
    ${user.name ? html`<span class="muted small cust-ref-email">${user.email}</span>` : null}
  </span>`;
}

/** @param {{ customerId: string, user: User | null, onSaved: (saved: User | null) => void, onCancel: () => void }} props */
function UserForm({ customerId, user, onSaved, onCancel }) {
  const { api } = useApp();
  const [form, setForm] = useState({ email: user?.email ?? "", name: user?.name ?? "", role: user?.role ?? "member" });
  const set = (key) => (e) => setForm((f) => ({ ...f, [key]: e.currentTarget.value }));
  const save = useAction(async () => {
    const name = form.name.trim() || null;
    const role = /** @type {User["role"]} */ (form.role);
    if (!user) {
      onSaved(await api.post("/v1/users", { customer_id: customerId, email: form.email.trim(), name: name ?? undefined, role }));
      return;
    }
    /** @type {import("../../lib/api.js").Schema<"UpdateUserRequest">} */
    const changes = {};
    if (form.email.trim() !== user.email) changes.email = form.email.trim();
    if (name !== user.name) changes.name = name;
    if (role !== user.role) changes.role = role;
    onSaved(Object.keys(changes).length ? await api.patch(path("/v1/users/{id}", { id: user.id }), changes) : null);
  });
  const submit = (e) => {
    e.preventDefault();
    save.run();
  };
  return html`<form onSubmit=${submit} class="lic-dialog-form">
    <div class="lic-form-grid">
      <${Field} id="user-email" label="Email" hint="Unique within the customer.">
        <input id="user-email" type="email" required maxlength="320" autocomplete="off" value=${form.email} onInput=${set("email")} />
      <//>
      <${Field} id="user-name" label="Name" hint="Optional.">
        <input id="user-name" maxlength="200" autocomplete="off" value=${form.name} onInput=${set("name")} />
      <//>
    </div>
    <${Field} id="user-role" label="Role" hint="An admin may manage the customer's seats in the portal; a member holds seats.">
      <select id="user-role" value=${form.role} onChange=${set("role")}>
        ${Object.entries(ROLE_LABELS).map(([value, label]) => html`<option value=${value}>${label}</option>`)}
      </select>
    <//>
    <${ErrorNote} error=${save.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${save.busy}>${user ? "Save changes" : "Add user"}<//>
    </div>
  </form>`;
}

/** @param {{ customer: import("../../lib/api.js").Schema<"CustomerDetail">, onChange: () => void }} props */
export function UsersSection({ customer, onChange }) {
  const { api, can, notify } = useApp();
  const writes = can("users:write") && !customer.erased_at;
  // null: no form; {}: a new user; a user: that one, being edited.
  const [editing, setEditing] = useState(/** @type {User | {} | null} */ (null));
  const pages = usePages((cursor) => api.get("/v1/users", { limit: 20, starting_after: cursor, customer_id: customer.id }), [customer.id]);
  const editedUser = editing && "id" in editing ? editing : null;
  const done = (message) => {
    notify(message);
    setEditing(null);
    pages.reload();
    onChange();
  };

  /** @type {import("../../lib/ui.js").Column<User>[]} */
  const columns = [
    { label: "User", render: (u) => html`<${UserCell} user=${u} /><div class="sub-id"><${Id} value=${u.id} /></div>` },
    { label: "Role", className: "cust-meta", render: (u) => html`<span class=${`badge badge-role-${u.role}`}>${ROLE_LABELS[u.role]}</span>` },
    { label: "Added", className: "cust-meta", render: (u) => html`<${Time} iso=${u.created_at} />` },
    ...(writes
      ? [
          {
            label: "Actions",
            className: "lic-row-actions",
            render: (/** @type {User} */ u) => html`<div class="actions">
              <${Button} class="btn-small" onClick=${() => setEditing(u)}>Edit<span class="sr-only"> ${u.email}</span><//>
              <${ConfirmButton}
                small
                label="Delete"
                title="Delete this user?"
                message=${`${userLabel(u)} is deleted: it leaves its groups and loses every license assigned to it, which frees its named seats.`}
                onConfirm=${async () => {
                  await api.del(path("/v1/users/{id}", { id: u.id }));
                  done(`User ${u.email} deleted.`);
                }}
              />
            </div>`,
          },
        ]
      : []),
  ];

  return html`<div class="cust-section">
    <div class="lic-card-header">
      <h2>Users</h2>
      ${writes ? html`<${Button} kind="primary" class="btn-small" onClick=${() => setEditing({})}>New user<//>` : null}
    </div>
    <${ErrorNote} error=${pages.error} />
    <${Table}
      label="Users"
      columns=${columns}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${writes ? "No users yet. Add the people who use its licenses." : "No users yet."}
    />
    <${Pager} pages=${pages} />
    <${Modal} title=${editedUser ? "Edit user" : "New user"} open=${editing !== null} onClose=${() => setEditing(null)}>
      <${UserForm}
        customerId=${customer.id}
        user=${editedUser}
        onCancel=${() => setEditing(null)}
        onSaved=${(saved) => (saved ? done(editedUser ? `User ${saved.email} saved.` : `User ${saved.email} added.`) : setEditing(null))}
      />
    <//>
  </div>`;
}
