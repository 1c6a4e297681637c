// A data subject's requests, answered from the customer's page: "Export data" downloads everything
// the service holds about the customer as one JSON file (GET /v1/customers/{id}/export); "Erase
// personal data" (POST /v1/customers/{id}/erase) asks what happens to its licenses, says what
// cannot be undone, and shows what was erased.
import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ErrorNote, Modal, useAction, useApp } from "../../lib/ui.js";
import { download } from "../licensing/offline.js";
import { customerName, plural } from "./common.js";

/** @typedef {import("../../lib/api.js").Schema<"CustomerDetail">} CustomerDetail */
/** @typedef {import("../../lib/session.js").Permission} Permission */

/** The export holds every part of the customer, so it needs each of their read permissions. */
export const EXPORT_NEEDS = /** @type {Permission[]} */ ([
  "customers:read",
  "users:read",
  "groups:read",
  "licenses:read",
  "activations:read",
  "webhooks:read",
  "audit:read",
]);

/** Erasure changes all of these. */
export const ERASE_NEEDS = /** @type {Permission[]} */ (["customers:write", "users:write", "groups:write", "licenses:write", "activations:write"]);

/** @param {{ customer: CustomerDetail }} props */
export function ExportButton({ customer }) {
  const { api, can, notify } = useApp();
  const run = useAction(async () => {
    const data = await api.get(path("/v1/customers/{id}/export", { id: customer.id }));
    download(`${customer.id}-export.json`, JSON.stringify(data, null, 2), "application/json");
    notify(
      `Exported ${customerName(customer)}: ${plural(data.licenses.length, "license")}, ${plural(data.users.length, "user")}, ${plural(data.devices.length, "device")}.`,
    );
  });
  if (!EXPORT_NEEDS.every(can)) return null;
  return html`<${Button} busy=${run.busy} onClick=${run.run}>Export data<//>${run.error ? html`<div class="cust-action-error"><${ErrorNote} error=${run.error} /></div>` : null}`;
}

/** @param {{ result: import("../../lib/api.js").Schema<"ErasureResult"> }} props */
function ErasureSummary({ result }) {
  return html`<div role="status" class="cust-erased">
    <ul>
      <li>${result.licenses === "revoke" ? `${plural(result.licenses_revoked, "license")} revoked` : "Licenses kept: they keep validating"}</li>
      <li>${plural(result.users_deleted, "user")} and ${plural(result.groups_deleted, "group")} deleted</li>
      <li>${plural(result.devices_released, "device")} and ${plural(result.seats_released, "floating seat")} released</li>
      <li>${plural(result.events_scrubbed, "stored webhook event")} reduced to their type and time</li>
    </ul>
  </div>`;
}

/** @param {{ customer: CustomerDetail, onErased: () => void }} props */
export function EraseButton({ customer, onErased }) {
  const { api, can } = useApp();
  const [open, setOpen] = useState(false);
  const [licenses, setLicenses] = useState(/** @type {"keep" | "revoke" | ""} */ (""));
  const [sure, setSure] = useState(false);
  const [result, setResult] = useState(null);
  const erase = useAction(async () => {
    if (!licenses) return;
    setResult(await api.post(path("/v1/customers/{id}/erase", { id: customer.id }), { licenses }));
  });
  if (customer.erased_at || !ERASE_NEEDS.every(can)) return null;
  const start = () => {
    setLicenses("");
    setSure(false);
    setResult(null);
    erase.clear();
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    if (result) onErased();
  };
  const submit = (e) => {
    e.preventDefault();
    erase.run();
  };
  const name = customerName(customer);
  const count = customer.counts;
  return html`<${Button} kind="danger" onClick=${start}>Erase personal data<//>
    <${Modal} title=${result ? "Personal data erased" : `Erase ${name}'s personal data?`} open=${open} onClose=${close}>
      ${
        result
          ? html`<${ErasureSummary} result=${result} />
            <div class="form-actions"><${Button} kind="primary" onClick=${close}>Done<//></div>`
          : html`<form onSubmit=${submit} class="lic-dialog-form">
              <p>For a data subject's erasure request. This <strong>cannot be undone</strong>:</p>
              <ul class="cust-consequences">
                <li>its name, email, company, country, metadata and external ids are blanked;</li>
                <li>its ${plural(count.users, "user")} and ${plural(count.groups, "group")} are deleted;</li>
                <li>its ${plural(count.devices, "live device")} and ${plural(count.seats, "floating seat")} are released, and their data anonymised;</li>
                <li>stored webhook events that named any of it keep only their type and time.</li>
              </ul>
              <fieldset class="lic-fieldset">
                <legend>Its ${plural(count.licenses, "license")}</legend>
                <div class="cust-choices">
                  <label for="erase-keep">
                    <input id="erase-keep" type="radio" name="erase-licenses" value="keep" checked=${licenses === "keep"} onChange=${() => setLicenses("keep")} />
                    <span><strong>Keep them working</strong><br /><span class="muted small">Their metadata is emptied; devices must activate again.</span></span>
                  </label>
                  <label for="erase-revoke">
                    <input id="erase-revoke" type="radio" name="erase-licenses" value="revoke" checked=${licenses === "revoke"} onChange=${() => setLicenses("revoke")} />
                    <span><strong>Revoke them</strong><br /><span class="muted small">They never validate again, on any device.</span></span>
                  </label>
                </div>
              </fieldset>
              <label class="cust-confirm" for="erase-sure">
                <input id="erase-sure" type="checkbox" checked=${sure} onChange=${(e) => setSure(e.currentTarget.checked)} />
                I understand ${name}'s personal data is gone for good.
              </label>
              <${ErrorNote} error=${erase.error} />
              <div class="form-actions">
                <${Button} onClick=${close}>Cancel<//>
                <${Button} kind="danger" type="submit" busy=${erase.busy} disabled=${!licenses || !sure}>Erase personal data<//>
              </div>
            </form>`
      }
    <//>`;
}
