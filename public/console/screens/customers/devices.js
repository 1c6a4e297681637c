// A customer's live devices (activations) and floating seats (leases) across all its licenses,
// each row linking to its license, where a seat can be released.
import { path } from "../../lib/api.js";
import { html } from "../../lib/html.js";
import { href } from "../../lib/router.js";
import { ErrorNote, Id, Pager, Table, Time, useApp, usePages } from "../../lib/ui.js";

/** @typedef {import("../../lib/api.js").Schema<"CustomerDetail">} CustomerDetail */

/** A license id as a link to it (or the bare id without licenses:read). */
function LicenseLink({ id }) {
  const { can } = useApp();
  return can("licenses:read") ? html`<a href=${href("licenses", id)} class="lic-row-link"><${Id} value=${id} /></a>` : html`<${Id} value=${id} />`;
}

/** @param {{ customer: CustomerDetail }} props */
export function CustomerDevices({ customer }) {
  const { api } = useApp();
  const pages = usePages((cursor) => api.get(path("/v1/customers/{id}/devices", { id: customer.id }), { limit: 20, starting_after: cursor }), [customer.id]);
  /** @type {import("../../lib/ui.js").Column<import("../../lib/api.js").Schema<"Activation">>[]} */
  const columns = [
    { label: "Device", render: (a) => html`<code class="lic-fingerprint">${a.fingerprint}</code>${a.name ? html`<br />${a.name}` : null}` },
    { label: "License", render: (a) => html`<${LicenseLink} id=${a.license_id} />` },
    { label: "Domain", render: (a) => a.domain ?? html`<span class="muted">—</span>` },
    { label: "Activated", render: (a) => html`<${Time} iso=${a.created_at} />` },
    { label: "Last heartbeat", render: (a) => html`<${Time} iso=${a.last_heartbeat_at} />` },
  ];
  return html`<div class="cust-section">
    <div class="lic-card-header">
      <h2>Devices</h2>
      <span class="muted small">Live activations across its licenses; release one on its license.</span>
    </div>
    <${ErrorNote} error=${pages.error} />
    <${Table} label="Devices" columns=${columns} rows=${pages.rows} loading=${pages.loading} empty="No device holds a seat of this customer's licenses." />
    <${Pager} pages=${pages} />
  </div>`;
}

/** @param {{ customer: CustomerDetail }} props */
export function CustomerSeats({ customer }) {
  const { api } = useApp();
  const pages = usePages((cursor) => api.get(path("/v1/customers/{id}/seats", { id: customer.id }), { limit: 20, starting_after: cursor }), [customer.id]);
  /** @type {import("../../lib/ui.js").Column<import("../../lib/api.js").Schema<"Lease">>[]} */
  const columns = [
    { label: "Instance", render: (l) => html`<code>${l.instance_id}</code>` },
    { label: "User", render: (l) => l.user ?? html`<span class="muted">—</span>` },
    { label: "License", render: (l) => html`<${LicenseLink} id=${l.license_id} />` },
    { label: "Taken", render: (l) => html`<${Time} iso=${l.created_at} />` },
    {
      label: "Frees itself",
      render: (l) => html`<${Time} iso=${l.expires_at} />${l.borrowed_until ? html` <span class="badge">borrowed</span>` : null}`,
    },
  ];
  return html`<div class="cust-section">
    <div class="lic-card-header">
      <h2>Floating seats</h2>
      <span class="muted small">Live leases across its licenses.</span>
    </div>
    <${ErrorNote} error=${pages.error} />
    <${Table} label="Floating seats" columns=${columns} rows=${pages.rows} loading=${pages.loading} empty="No floating seat is in use." />
    <${Pager} pages=${pages} />
  </div>`;
}
