// A customer's licenses (GET /v1/licenses?customer_id=), and a new license issued to it.
import { html, useState } from "../../lib/html.js";
import { href } from "../../lib/router.js";
import { Button, ErrorNote, Id, Modal, Pager, StatusBadge, Table, Time, useApp, usePages } from "../../lib/ui.js";
import { PolicyName, Seats, useCatalog } from "../licensing/common.js";
import { CreateLicenseForm } from "../licensing/license-form.js";

/** @typedef {import("../../lib/api.js").Schema<"License">} License */

/** @param {{ customer: import("../../lib/api.js").Schema<"CustomerDetail">, onChange: () => void }} props */
export function CustomerLicenses({ customer, onChange }) {
  const { api, can, notify } = useApp();
  const catalog = useCatalog();
  const [creating, setCreating] = useState(false);
  const pages = usePages((cursor) => api.get("/v1/licenses", { limit: 20, starting_after: cursor, customer_id: customer.id }), [customer.id]);
  const writes = can("licenses:write") && !customer.erased_at;

  /** @type {import("../../lib/ui.js").Column<License>[]} */
  const columns = [
    {
      label: "License",
      render: (l) =>
        html`<a href=${href("licenses", l.id)} class="lic-row-link"><${Id} value=${l.id} /></a><br /><span class="muted small">key <code>${l.key_prefix}…</code></span>`,
    },
    { label: "Status", className: "cust-meta", render: (l) => html`<${StatusBadge} status=${l.status} />` },
    { label: "Plan", className: "cust-meta", render: (l) => l.plan ?? html`<span class="muted">—</span>` },
    { label: "Policy", render: (l) => html`<${PolicyName} id=${l.policy_id} catalog=${catalog} />` },
    { label: "Seats", className: "cust-meta", render: (l) => html`<${Seats} used=${l.activation_count} policyId=${l.policy_id} catalog=${catalog} />` },
    {
      label: "Expires",
      className: "cust-meta",
      render: (l) => (l.expires_at ? html`<${Time} iso=${l.expires_at} />` : html`<span class="muted">Never</span>`),
    },
  ];

  return html`<div class="cust-section">
    <div class="lic-card-header">
      <h2>Licenses</h2>
      ${writes ? html`<${Button} kind="primary" class="btn-small" onClick=${() => setCreating(true)}>New license<//>` : null}
    </div>
    <${ErrorNote} error=${pages.error} />
    <${Table} label="Customer's licenses" columns=${columns} rows=${pages.rows} loading=${pages.loading} empty="This customer owns no licenses." />
    <${Pager} pages=${pages} />
    <${Modal} wide title="New license" open=${creating} onClose=${() => setCreating(false)}>
      <${CreateLicenseForm}
        catalog=${catalog}
        customer=${customer}
        onClose=${() => setCreating(false)}
        onCreated=${(/** @type {License} */ license) => {
          notify(`License ${license.id} created.`);
          pages.reload();
          onChange();
        }}
      />
    <//>
  </div>`;
}
