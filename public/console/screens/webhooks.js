// Webhook endpoints: the list with each one's health (failing ones say so, with their last
// response), and registering a new one (its signing secret is shown once). Each endpoint's page
// has its deliveries, a test event, editing, secret rotation and deletion.

import { html } from "../lib/html.js";
import { href } from "../lib/router.js";
import { Button, ErrorNote, Id, Modal, PageHeader, Pager, SecretOnce, useAction, useApp, useCreateDialog, usePages } from "../lib/ui.js";
import { ListTable, Stamp, shortWhen, useOwnPermissions } from "./admin/common.js";
import { defaultEvents, EndpointForm } from "./admin/endpoint-form.js";
import { EventSummary } from "./admin/events.js";
import { HealthCell } from "./admin/webhook-health.js";

/** @typedef {import("../lib/api.js").Schema<"WebhookEndpoint">} Endpoint */
/** @typedef {import("./admin/endpoint-form.js").EndpointValues} EndpointValues */

/** @param {{ endpoint: Endpoint }} props */
export function EndpointState({ endpoint }) {
  return html`<span class=${`badge ${endpoint.enabled ? "badge-enabled" : "badge-disabled"}`}>${endpoint.enabled ? "enabled" : "disabled"}</span>
    ${endpoint.secret_rotation_ends_at ? html`<div class="muted small">old and new secret both sign until ${shortWhen(endpoint.secret_rotation_ends_at)}</div>` : null}`;
}

/** @param {{ onCreated: () => void }} props */
function NewEndpoint({ onCreated }) {
  const { api } = useApp();
  const own = useOwnPermissions();
  const action = useAction(async (/** @type {EndpointValues} */ { url, events, enabled }) => {
    setCreated(await api.post("/v1/webhooks", { url, event_types: events.all ? [] : events.types, enabled }));
  });
  /** @type {import("../lib/ui.js").CreateDialog<import("../lib/api.js").Schema<"WebhookEndpointWithSecret">>} */
  const { open, created, setCreated, start, close } = useCreateDialog(onCreated, () => {
    action.clear();
  });
  return html`<${Button} kind="primary" onClick=${start}>New endpoint<//>
    <${Modal} title=${created ? "Endpoint created" : "New endpoint"} open=${open} onClose=${close} wide>
      ${
        created
          ? html`<${SecretOnce} label="the signing secret" secret=${created.secret} encrypted>
                <p class="small">
                  Verify each delivery's <code>webhook-signature</code> header with it (Standard Webhooks; the SDK's <code>verifyWebhook</code> does it).
                </p>
              <//>
              <div class="form-actions">
                <a class="btn btn-secondary" href=${href("webhooks", created.id)} onClick=${close}>Open the endpoint</a>
                <${Button} kind="primary" onClick=${close}>Done<//>
              </div>`
          : html`<${EndpointForm}
              idPrefix="new-endpoint"
              initial=${{ url: "", events: defaultEvents(own), enabled: true }}
              submitLabel="Create endpoint"
              busy=${action.busy}
              error=${action.error}
              onSubmit=${action.run}
              onCancel=${close}
            />`
      }
    <//>`;
}

export function WebhooksScreen() {
  const { api, can } = useApp();
  const pages = usePages((cursor) => api.get("/v1/webhooks", { limit: 20, starting_after: cursor }), []);
  /** @type {import("../lib/ui.js").Column<Endpoint>[]} */
  const columns = [
    {
      label: "URL",
      render: (w) => html`<a href=${href("webhooks", w.id)} class="url-link">${w.url}</a>
        <div class="sub-id"><${Id} value=${w.id} /></div>`,
    },
    { label: "Events", render: (w) => html`<${EventSummary} types=${w.event_types} />` },
    { label: "Health", render: (w) => html`<${HealthCell} health=${w.health} />` },
    { label: "State", render: (w) => html`<${EndpointState} endpoint=${w} />` },
    { label: "Created", render: (w) => html`<${Stamp} iso=${w.created_at} />` },
    { label: "", className: "actions-cell", render: (w) => html`<a class="btn btn-secondary btn-small" href=${href("webhooks", w.id)}>Deliveries</a>` },
  ];
  return html`<section class="admin-screen">
    <${PageHeader} title="Webhooks" subtitle="Endpoints that receive signed events when licenses, activations and keys change.">
      ${can("webhooks:write") ? html`<${NewEndpoint} onCreated=${pages.reload} />` : null}
    <//>
    <${ErrorNote} error=${pages.error} />
    <${ListTable} label="Webhook endpoints" columns=${columns} rows=${pages.rows} loading=${pages.loading} empty="No endpoints yet." />
    <${Pager} pages=${pages} />
  </section>`;
}
