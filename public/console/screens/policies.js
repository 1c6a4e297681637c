// Policies: the rules licenses follow (seats, binding, device keys, heartbeats, token lifetime, churn budget).
// Listed by application, created from presets, edited in place; licenses under a policy follow
// its new rules from their next call, and a policy cannot be deleted while licenses follow it.
import { path } from "../lib/api.js";
import { html, useState } from "../lib/html.js";
import { href, navigate } from "../lib/router.js";
import { Button, ConfirmButton, ErrorNote, Id, Modal, PageHeader, Pager, Table, useApp, usePages } from "../lib/ui.js";
import { AppName, BINDING_LABELS, humanSeconds, useCatalog } from "./licensing/common.js";
import { ProofSummary } from "./licensing/device-keys.js";
import { PolicyForm } from "./licensing/policy-form.js";

/** @typedef {import("../lib/api.js").Schema<"Policy">} Policy */

/** @param {Policy} p */
function heartbeat(p) {
  if (!p.heartbeat_interval_s) return html`<span class="muted">None</span>`;
  return html`every ${humanSeconds(p.heartbeat_interval_s)}${p.heartbeat_grace_s ? html`<span class="muted"> + ${humanSeconds(p.heartbeat_grace_s)} grace</span>` : null}`;
}

/** @param {Policy} p */
function churn(p) {
  if (p.max_deactivations === null) return html`<span class="muted">No limit</span>`;
  return `${p.max_deactivations} per ${humanSeconds(p.deactivation_window_s)}`;
}

/** @param {{ params: URLSearchParams }} props */
export function PoliciesScreen({ params }) {
  const { api, can, notify } = useApp();
  const writes = can("policies:write");
  const catalog = useCatalog();
  const application = params.get("application_id") ?? "";
  // null: no form; {}: a new policy; a policy: that one, being edited.
  const [editing, setEditing] = useState(null);
  const pages = usePages((cursor) => api.get("/v1/policies", { limit: 25, starting_after: cursor, application_id: application }), [application]);
  const close = () => setEditing(null);
  /** @param {Policy} policy */
  const saved = (policy) => {
    notify(editing?.id ? `Policy ${policy.name} saved.` : `Policy ${policy.name} created.`);
    close();
    pages.reload();
    catalog.reload();
  };

  /** @type {import("../lib/ui.js").Column<Policy>[]} */
  const columns = [
    { label: "Name", render: (p) => html`<strong>${p.name}</strong><br /><${Id} value=${p.id} />` },
    { label: "Application", render: (p) => html`<${AppName} id=${p.application_id} catalog=${catalog} none="Any" />` },
    { label: "Seats", render: (p) => (p.max_activations === null ? "Unlimited" : String(p.max_activations)) },
    {
      label: "Binding",
      render: (p) => html`${BINDING_LABELS[p.binding_mode] ?? p.binding_mode}${p.bind_on_verify ? html`<span class="muted"> · binds on verify</span>` : null}`,
    },
    { label: "Device keys", render: (p) => html`<${ProofSummary} mode=${p.proof_of_possession} />` },
    { label: "Heartbeat", render: heartbeat },
    { label: "Token tier", render: (p) => p.token_tier },
    { label: "Deactivations", render: churn },
    {
      label: "Actions",
      className: "lic-row-actions",
      render: (p) => html`<div class="actions">
        ${
          writes
            ? html`<${Button} class="btn-small" onClick=${() => setEditing(p)}>Edit<span class="sr-only"> ${p.name}</span><//>
              <${ConfirmButton}
                small
                label="Delete"
                title="Delete this policy?"
                message=${`${p.name} is deleted for good. The API refuses while licenses still follow it.`}
                onConfirm=${async () => {
                  await api.del(path("/v1/policies/{id}", { id: p.id }));
                  notify(`Policy ${p.name} deleted.`);
                  pages.reload();
                  catalog.reload();
                }}
              />`
            : null
        }
      </div>`,
    },
  ];

  return html`<section>
    <${PageHeader} title="Policies" subtitle="The rules a license follows: seats, device or domain binding, device keys, heartbeats, token lifetime and how often seats may move.">
      ${writes ? html`<${Button} kind="primary" onClick=${() => setEditing({})}>New policy<//>` : null}
    <//>
    ${
      catalog.applications && catalog.applications.length > 0
        ? html`<div class="filters">
          <label class="inline" for="policies-application">Show</label>
          <select id="policies-application" value=${application} onChange=${(e) => navigate(href("policies", { application_id: e.currentTarget.value }))}>
            <option value="">All applications</option>
            ${catalog.applications.map((a) => html`<option value=${a.id}>${a.name}</option>`)}
          </select>
        </div>`
        : null
    }
    <${ErrorNote} error=${pages.error} />
    <${Table}
      label="Policies"
      columns=${writes ? columns : columns.slice(0, -1)}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${application ? "No policies for this application." : writes ? "No policies yet. Start from a preset: node-locked, domain-locked or trial." : "No policies yet."}
    />
    <${Pager} pages=${pages} />
    <${Modal} wide title=${editing?.id ? "Edit policy" : "New policy"} open=${editing !== null} onClose=${close}>
      <${PolicyForm} policy=${editing?.id ? editing : null} applicationId=${application} catalog=${catalog} onSaved=${saved} onCancel=${close} />
    <//>
  </section>`;
}
