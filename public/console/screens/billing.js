// Billing: payment providers (Stripe, Paddle, Lemon Squeezy, Polar) wired to licenses. The list
// shows each connector with the endpoint URL to paste into the provider; "Connect a provider"
// makes one and then shows that URL with where it goes. Each connector's page has its mappings,
// editing, a test event and its event log (billing-connector.js).
import { html, useEffect, useRef } from "../lib/html.js";
import { href } from "../lib/router.js";
import { Button, ErrorNote, Id, Modal, PageHeader, Pager, useApp, useCreateDialog, usePages } from "../lib/ui.js";
import { ListTable, Stamp } from "./admin/common.js";
import { ConnectorState, CopyEndpoint, EndpointUrl, PROVIDERS } from "./billing/common.js";
import { ConnectorForm } from "./billing/connector-form.js";
import { useCatalog } from "./licensing/common.js";

/** @typedef {import("./billing/common.js").Connector} Connector */

/** What to do once connected, in the provider's words. */
function NextSteps({ connector }) {
  const provider = PROVIDERS[connector.provider];
  return html`<ol class="bill-steps small">
    <li>In ${provider.where}, add an endpoint with this URL.</li>
    ${
      connector.provider === "lemonsqueezy"
        ? html`<li>Type the same signing secret into its form.</li>`
        : html`<li>If ${provider.label} shows a new signing secret for it, set it on the connector's page (Edit → Rotate signing secret).</li>`
    }
    <li>Send a test event from the connector's page: it shows in the event log as ignored when the secret and the log work.</li>
  </ol>`;
}

/** @param {{ onCreated: () => void }} props */
function ConnectProvider({ onCreated }) {
  const catalog = useCatalog();
  /** @type {import("../lib/ui.js").CreateDialog<Connector>} */
  const { open, created, setCreated, start, close } = useCreateDialog(onCreated);
  const body = useRef(null);
  // The form gave way to its result: focus goes to the result's first control, not to the page.
  useEffect(() => {
    if (created) body.current?.querySelector("[data-autofocus]")?.focus();
  }, [created]);
  return html`<${Button} kind="primary" onClick=${start}>Connect a provider<//>
    <${Modal} title=${created ? `${PROVIDERS[created.provider].label} connected` : "Connect a provider"} open=${open} onClose=${close} wide>
      <div ref=${body}>
        ${
          created
            ? html`<${EndpointUrl} connector=${created} idPrefix="created-endpoint" focusCopy />
                <${NextSteps} connector=${created} />
                <div class="form-actions">
                  <a class="btn btn-secondary" href=${href("billing", created.id)} onClick=${close}>Open the connector</a>
                  <${Button} kind="primary" onClick=${close}>Done<//>
                </div>`
            : html`<${ErrorNote} error=${catalog.error} />
                <${ConnectorForm} catalog=${catalog} idPrefix="new-connector" onSaved=${setCreated} onCancel=${close} />`
        }
      </div>
    <//>`;
}

export function BillingScreen() {
  const { api, can } = useApp();
  const pages = usePages((cursor) => api.get("/v1/billing/connectors", { limit: 20, starting_after: cursor }), []);
  /** @type {import("../lib/ui.js").Column<Connector>[]} */
  const columns = [
    {
      label: "Connector",
      render: (c) => html`<a href=${href("billing", c.id)}>${c.name}</a>
        <div class="sub-id"><${Id} value=${c.id} /></div>`,
    },
    { label: "Provider", className: "nowrap", render: (c) => PROVIDERS[c.provider].label },
    { label: "State", render: (c) => html`<${ConnectorState} connector=${c} />` },
    { label: "Mappings", className: "num", render: (c) => c.mappings.length },
    { label: "Endpoint URL", className: "bill-endpoint-col", render: (c) => html`<${CopyEndpoint} connector=${c} />` },
    { label: "Created", render: (c) => html`<${Stamp} iso=${c.created_at} />` },
  ];
  return html`<section class="admin-screen">
    <${PageHeader} title="Billing" subtitle="Payment providers whose purchases make, renew, suspend and revoke licenses.">
      ${can("billing:write") ? html`<${ConnectProvider} onCreated=${pages.reload} />` : null}
    <//>
    <${ErrorNote} error=${pages.error} />
    <${ListTable}
      label="Billing connectors"
      columns=${columns}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${can("billing:write") ? "No provider connected yet. Connect one to turn its purchases into licenses." : "No provider connected yet."}
    />
    <${Pager} pages=${pages} />
  </section>`;
}
