// Applications: the products licenses are for (an application's id is the `aud` of its license
// tokens). List, create, rename, and delete once no policy or license belongs to it any more.
import { path } from "../lib/api.js";
import { html, useState } from "../lib/html.js";
import { href } from "../lib/router.js";
import { Button, ConfirmButton, ErrorNote, Field, Id, Modal, PageHeader, Pager, Table, Time, useAction, useApp, usePages } from "../lib/ui.js";

/** @typedef {import("../lib/api.js").Schema<"Application">} Application */

/** @param {{ application: Application | null, onSaved: (saved: Application) => void, onCancel: () => void }} props */
function ApplicationForm({ application, onSaved, onCancel }) {
  const { api } = useApp();
  const [name, setName] = useState(application?.name ?? "");
  const save = useAction(async () => {
    const body = { name: name.trim() };
    const saved = application ? await api.patch(path("/v1/applications/{id}", { id: application.id }), body) : await api.post("/v1/applications", body);
    onSaved(saved);
  });
  const submit = (e) => {
    e.preventDefault();
    save.run();
  };
  return html`<form onSubmit=${submit} class="lic-dialog-form">
    <${Field} id="application-name" label="Name" hint="Your product's name, as you want to see it here. Its id never changes.">
      <input id="application-name" required maxlength="200" autocomplete="off" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
    <//>
    <${ErrorNote} error=${save.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${save.busy}>${application ? "Save changes" : "Create application"}<//>
    </div>
  </form>`;
}

export function ApplicationsScreen() {
  const { api, can, notify } = useApp();
  const writes = can("applications:write");
  // null: no form; {}: a new application; an application: that one, being renamed.
  const [editing, setEditing] = useState(null);
  const pages = usePages((cursor) => api.get("/v1/applications", { limit: 25, starting_after: cursor }), []);
  const close = () => setEditing(null);

  /** @type {import("../lib/ui.js").Column<Application>[]} */
  const columns = [
    { label: "Name", render: (a) => html`<strong>${a.name}</strong>` },
    { label: "ID (token aud)", render: (a) => html`<${Id} value=${a.id} />` },
    { label: "Created", render: (a) => html`<${Time} iso=${a.created_at} />` },
    {
      label: "Licensing",
      render: (a) => html`<span class="lic-links">
        ${can("policies:read") ? html`<a href=${href("policies", { application_id: a.id })}>Policies</a>` : null}
        ${can("licenses:read") ? html`<a href=${href("licenses", { application_id: a.id })}>Licenses</a>` : null}
      </span>`,
    },
    ...(writes
      ? [
          {
            label: "Actions",
            className: "lic-row-actions",
            render: (a) => html`<div class="actions">
              <${Button} class="btn-small" onClick=${() => setEditing(a)}>Edit<span class="sr-only"> ${a.name}</span><//>
              <${ConfirmButton}
                small
                label="Delete"
                title="Delete this application?"
                message=${`${a.name} is deleted for good. The API refuses while policies or licenses still belong to it.`}
                onConfirm=${async () => {
                  await api.del(path("/v1/applications/{id}", { id: a.id }));
                  notify(`Application ${a.name} deleted.`);
                  pages.reload();
                }}
              />
            </div>`,
          },
        ]
      : []),
  ];

  return html`<section>
    <${PageHeader} title="Applications" subtitle="Your products. A license and its policy belong to one application; its id is the aud claim of the license's tokens.">
      ${writes ? html`<${Button} kind="primary" onClick=${() => setEditing({})}>New application<//>` : null}
    <//>
    <${ErrorNote} error=${pages.error} />
    <${Table}
      label="Applications"
      columns=${columns}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${writes ? "No applications yet. Create one for each product you sell." : "No applications yet."}
    />
    <${Pager} pages=${pages} />
    <${Modal} title=${editing?.id ? "Edit application" : "New application"} open=${editing !== null} onClose=${close}>
      <${ApplicationForm}
        application=${editing?.id ? editing : null}
        onCancel=${close}
        onSaved=${(/** @type {Application} */ saved) => {
          notify(editing?.id ? `Application ${saved.name} saved.` : `Application ${saved.name} created.`);
          close();
          pages.reload();
        }}
      />
    <//>
  </section>`;
}
