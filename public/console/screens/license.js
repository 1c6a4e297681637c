// One license: its customer and properties, its lifecycle (suspend, reinstate, revoke, renew), its
// editable fields, the users and groups assigned to it (named seats), its license files and
// air-gapped devices, and the devices holding its seats (each key-bound or not), which an admin can
// release one by one or all at once; a new key for a lost one; and, on its Activity tab, every
// request made with it.
import { path } from "../lib/api.js";
import { html, useState } from "../lib/html.js";
import { href, navigate } from "../lib/router.js";
import { TabList, TabPanel } from "../lib/tablist.js";
import {
  Button,
  ConfirmButton,
  ErrorNote,
  Field,
  Id,
  Modal,
  PageHeader,
  Pager,
  Refused,
  StatusBadge,
  Table,
  Time,
  useAction,
  useApp,
  useLoad,
  usePages,
} from "../lib/ui.js";
import { Activity } from "./activity/feed.js";
import { CustomerRef, useCustomerLookup } from "./customers/common.js";
import { Assignments } from "./licensing/assignments.js";
import { AppName, BINDING_LABELS, fromLocalInput, fromNow, humanSeconds, PolicyName, Seats, toLocalInput, useCatalog } from "./licensing/common.js";
import { DeviceKey } from "./licensing/device-keys.js";
import { Leases } from "./licensing/leases.js";
import { EditLicenseForm } from "./licensing/license-form.js";
import { CheckoutForm, OfflineUploadForm } from "./licensing/offline.js";
import { ReissueKeyButton } from "./licensing/reissue-key.js";

const DAY_S = 86_400;

/** @typedef {import("../lib/api.js").Schema<"License">} License */
/** @typedef {import("../lib/api.js").Schema<"LicenseFile">} LicenseFile */
/** @typedef {import("./licensing/common.js").Catalog} Catalog */

/** @param {{ license: License, onRenewed: (renewed: License) => void, onCancel: () => void }} props */
function RenewForm({ license, onRenewed, onCancel }) {
  const { api } = useApp();
  const [mode, setMode] = useState("extend");
  const [days, setDays] = useState("365");
  const [date, setDate] = useState(toLocalInput(license.expires_at));
  const renew = useAction(async () => {
    const body = mode === "extend" ? { extend_by_s: Math.round(Number(days) * DAY_S) } : { expires_at: fromLocalInput(date) };
    onRenewed(await api.post(path("/v1/licenses/{id}/renew", { id: license.id }), body));
  });
  const submit = (e) => {
    e.preventDefault();
    renew.run();
  };
  const past = !license.expires_at || Date.parse(license.expires_at) <= Date.now();
  return html`<form onSubmit=${submit} class="lic-dialog-form">
    <fieldset class="lic-fieldset">
      <legend>Renew by</legend>
      <div class="checks">
        <label for="renew-mode-extend">
          <input id="renew-mode-extend" type="radio" name="renew-mode" value="extend" checked=${mode === "extend"} onChange=${() => setMode("extend")} />
          Extending it
        </label>
        <label for="renew-mode-date">
          <input id="renew-mode-date" type="radio" name="renew-mode" value="date" checked=${mode === "date"} onChange=${() => setMode("date")} />
          Setting a new expiry
        </label>
      </div>
    </fieldset>
    ${
      mode === "extend"
        ? html`<${Field}
          id="renew-days"
          label="Days to add"
          hint=${past ? "Counted from now: the license has no expiry ahead of it." : `Added to the current expiry (${new Date(license.expires_at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}).`}
        >
          <input id="renew-days" type="number" min="1" max="3660" step="1" required inputmode="numeric" value=${days} onInput=${(e) => setDays(e.currentTarget.value)} />
        <//>`
        : html`<${Field} id="renew-date" label="New expiry" hint="In your time zone; must be in the future.">
          <input id="renew-date" type="datetime-local" required value=${date} onInput=${(e) => setDate(e.currentTarget.value)} />
        <//>`
    }
    <${ErrorNote} error=${renew.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${renew.busy}>Renew<//>
    </div>
  </form>`;
}

/** @param {{ license: License, catalog: Catalog, lookup: import("./customers/common.js").CustomerLookup }} props */
function Properties({ license, catalog, lookup }) {
  const policy = catalog.policy(license.policy_id);
  const metadata = Object.keys(license.metadata).length ? JSON.stringify(license.metadata, null, 2) : null;
  return html`<div class="card">
    <h2>Properties</h2>
    <dl class="props lic-props">
      <dt>ID</dt>
      <dd><${Id} value=${license.id} /></dd>
      <dt>Key</dt>
      <dd><code>${license.key_prefix}…</code> <span class="muted small">only the prefix is kept</span></dd>
      <dt>Status</dt>
      <dd><${StatusBadge} status=${license.status} /></dd>
      <dt>Customer</dt>
      <dd><${CustomerRef} id=${license.customer_id} lookup=${lookup} /></dd>
      <dt>Policy</dt>
      <dd>
        <${PolicyName} id=${license.policy_id} catalog=${catalog} />
        ${policy ? html`<span class="muted small"> · ${policy.binding_mode === "none" ? "no" : (BINDING_LABELS[policy.binding_mode] ?? policy.binding_mode).toLowerCase()} binding${policy.proof_of_possession === "none" ? "" : `, device keys ${policy.proof_of_possession}`}${policy.heartbeat_interval_s ? `, heartbeat every ${humanSeconds(policy.heartbeat_interval_s)}` : ""}</span>` : null}
      </dd>
      <dt>Application</dt>
      <dd><${AppName} id=${license.application_id} catalog=${catalog} /></dd>
      <dt>Plan</dt>
      <dd>${license.plan ?? html`<span class="muted">—</span>`}</dd>
      <dt>Features</dt>
      <dd>
        ${license.features.length ? html`<ul class="lic-tags">${license.features.map((f) => html`<li><code>${f}</code></li>`)}</ul>` : html`<span class="muted">None</span>`}
      </dd>
      <dt>Expires</dt>
      <dd>${license.expires_at ? html`<${Time} iso=${license.expires_at} /> <span class="muted small">(${fromNow(license.expires_at)})</span>` : html`<span class="muted">Never</span>`}</dd>
      <dt>Seats used</dt>
      <dd>
        ${
          license.max_activations === null
            ? html`<${Seats} used=${license.activation_count} policyId=${license.policy_id} catalog=${catalog} />`
            : html`${license.activation_count} of ${license.max_activations} <span class="muted small">(this license's own limit, set by its billing)</span>`
        }
      </dd>
      ${
        license.billing
          ? html`<dt>Billing</dt>
            <dd>
              <a href=${href("billing", license.billing.connector_id)}>Billing connector</a>
              ${license.billing.reference ? html` · <code>${license.billing.reference}</code>` : null}
            </dd>`
          : null
      }
      ${license.allowed_cidrs.length ? html`<dt>Allowed IPs</dt><dd>${license.allowed_cidrs.map((c) => html`<code>${c}</code> `)}</dd>` : null}
      <dt>Created</dt>
      <dd><${Time} iso=${license.created_at} /></dd>
      <dt>Updated</dt>
      <dd><${Time} iso=${license.updated_at} /></dd>
      <dt>Metadata</dt>
      <dd>${metadata ? html`<pre class="lic-json">${metadata}</pre>` : html`<span class="muted">None</span>`}</dd>
    </dl>
  </div>`;
}

/** @param {{ license: License, onChange: () => void }} props */
function Activations({ license, onChange }) {
  const { api, can, notify } = useApp();
  const [released, setReleased] = useState(false);
  const base = path("/v1/licenses/{id}/activations", { id: license.id });
  const pages = usePages(
    (cursor) => api.get(base, { limit: 20, starting_after: cursor, include_released: released ? "true" : undefined }),
    [license.id, released],
  );
  const writes = can("activations:write");
  const done = (message) => {
    notify(message);
    pages.reload();
    onChange();
  };
  const live = pages.rows.filter((a) => !a.deactivated_at);

  /** @type {import("../lib/ui.js").Column<import("../lib/api.js").Schema<"Activation">>[]} */
  const columns = [
    {
      label: "Device",
      className: "lic-device",
      render: (a) => html`<code class="lic-fingerprint">${a.fingerprint}</code>${a.name ? html`<br />${a.name}` : null}`,
    },
    { label: "Domain", render: (a) => a.domain ?? html`<span class="muted">—</span>` },
    { label: "Device key", render: (a) => html`<${DeviceKey} jkt=${a.dpop_jkt} />` },
    { label: "Activated", render: (a) => html`<${Time} iso=${a.created_at} />` },
    { label: "Last heartbeat", render: (a) => html`<${Time} iso=${a.last_heartbeat_at} />` },
    {
      label: "Next heartbeat due",
      render: (a) => (a.next_heartbeat_after && !a.deactivated_at ? html`<${Time} iso=${a.next_heartbeat_after} />` : html`<span class="muted">—</span>`),
    },
    {
      label: writes ? "Seat" : "State",
      className: "lic-row-actions",
      render: (a) =>
        a.deactivated_at
          ? html`<span class="muted">Released <${Time} iso=${a.deactivated_at} /></span>`
          : writes
            ? html`<${ConfirmButton}
                small
                label="Release"
                title="Release this device?"
                message=${`The device ${a.name ?? a.fingerprint} loses its seat at once; its next validation fails until it activates again. This does not count against the policy's deactivation budget.`}
                onConfirm=${async () => {
                  await api.del(path("/v1/licenses/{id}/activations/{activation_id}", { id: license.id, activation_id: a.id }));
                  done("Activation released.");
                }}
              />`
            : html`<span class="badge badge-active">holds a seat</span>`,
    },
  ];

  return html`<div class="card">
    <div class="lic-card-header">
      <h2>Activations</h2>
      <div class="actions">
        <label class="inline small" for="activations-released">
          <input id="activations-released" type="checkbox" checked=${released} onChange=${(e) => setReleased(e.currentTarget.checked)} />
          Show released
        </label>
        ${
          writes && (live.length > 0 || license.activation_count > 0)
            ? html`<${ConfirmButton}
              small
              label="Release all"
              title="Release every device?"
              message=${`All ${license.activation_count} device(s) of this license lose their seats at once and must activate again.`}
              onConfirm=${async () => {
                const result = await api.del(base);
                done(`${result.data.length} activation${result.data.length === 1 ? "" : "s"} released.`);
              }}
            />`
            : null
        }
      </div>
    </div>
    <${ErrorNote} error=${pages.error} />
    <${Table}
      label="Activations"
      columns=${columns}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${released ? "No device was ever activated." : "No device holds a seat."}
    />
    <${Pager} pages=${pages} />
  </div>`;
}

const TABS = [
  { key: "details", label: "Details" },
  { key: "activity", label: "Activity" },
];

/** @param {{ id: string, params: URLSearchParams }} props */
export function LicenseScreen({ id, params }) {
  const { api, can, notify } = useApp();
  const writes = can("licenses:write");
  const catalog = useCatalog();
  const load = useLoad(() => api.get(path("/v1/licenses/{id}", { id })), [id]);
  const [dialog, setDialog] = useState(null);
  // Bumped by every change, so the activations list (its own pages) is fetched again too.
  const [version, setVersion] = useState(0);
  const license = load.data;
  const lookup = useCustomerLookup([license?.customer_id]);
  const changed = (message) => {
    notify(message);
    setDialog(null);
    load.reload();
    setVersion((v) => v + 1);
  };
  const reinstate = useAction(async () => {
    await api.post(path("/v1/licenses/{id}/reinstate", { id }));
    changed("License reinstated.");
  });

  if (!license) {
    return html`<section>
      <p class="lic-crumbs"><a href=${href("licenses")}>← Licenses</a></p>
      <${PageHeader} title="License" />
      <${ErrorNote} error=${load.error} />
      ${load.loading ? html`<p class="muted">Loading…</p>` : null}
    </section>`;
  }

  const revoked = license.status === "revoked";
  const policy = catalog.policy(license.policy_id);
  const floating = policy && policy.lease_mode !== "none" ? policy : null;
  const tab = params.get("tab") === "activity" ? "activity" : "details";
  return html`<section>
    <p class="lic-crumbs"><a href=${href("licenses")}>← Licenses</a></p>
    <${PageHeader}
      title=${html`${license.plan ? `License · ${license.plan}` : "License"}${license.customer_id ? html` for <${CustomerRef} id=${license.customer_id} lookup=${lookup} compact />` : null}`}
      subtitle=${`${license.id} · key ${license.key_prefix}…`}
    >
      <${StatusBadge} status=${license.status} />
      ${
        writes
          ? html`
            ${license.status === "suspended" ? html`<${Button} kind="primary" busy=${reinstate.busy} onClick=${reinstate.run}>Reinstate<//>` : null}
            ${
              license.status === "active" || license.status === "expired"
                ? html`<${ConfirmButton}
                    label="Suspend"
                    kind="secondary"
                    title="Suspend this license?"
                    message="Its next validation, verification and introspection fail with SUSPENDED, on every device, until you reinstate it."
                    onConfirm=${async () => {
                      await api.post(path("/v1/licenses/{id}/suspend", { id }));
                      changed("License suspended: its next validation fails with SUSPENDED.");
                    }}
                  />`
                : null
            }
            ${revoked ? null : html`<${Button} disabled=${load.loading} onClick=${() => setDialog("renew")}>Renew<//>`}
            ${license.status === "active" ? html`<${Button} disabled=${load.loading} onClick=${() => setDialog("checkout")}>License file<//>` : null}
            ${license.status === "active" && can("activations:write") ? html`<${Button} disabled=${load.loading} onClick=${() => setDialog("offline")}>Offline device<//>` : null}
            ${revoked ? null : html`<${ReissueKeyButton} license=${license} onReissued=${load.reload} />`}
            <${Button} disabled=${load.loading} onClick=${() => setDialog("edit")}>Edit<//>
            ${
              revoked
                ? null
                : html`<${ConfirmButton}
                  label="Revoke"
                  title="Revoke this license?"
                  message="Revoking is permanent: the license can never validate again, be reinstated or renewed. Suspend it instead if you may want it back."
                  onConfirm=${async () => {
                    await api.post(path("/v1/licenses/{id}/revoke", { id }));
                    changed("License revoked.");
                  }}
                />`
            }`
          : null
      }
    <//>
    <${ErrorNote} error=${reinstate.error} />
    <${TabList} label="License" idPrefix="lic" tabs=${TABS} active=${tab} onSelect=${(key) => navigate(key === "details" ? href("licenses", id) : href("licenses", id, { tab: key }))} />
    <${TabPanel} idPrefix="lic" active=${tab}>
      ${
        tab === "activity"
          ? html`<div class="card"><h2 class="sr-only">Activity</h2><${Activity} kind="license" id=${id} params=${params} link=${(filters) => href("licenses", id, { tab: "activity", ...filters })} /></div>`
          : html`<${Properties} license=${license} catalog=${catalog} lookup=${lookup} />
            <${Assignments} key=${`assignments-${version}`} license=${license} />
            ${can("activations:read") ? html`<${Activations} key=${version} license=${license} onChange=${load.reload} />` : html`<div class="card"><h2>Activations</h2><${Refused} permission="activations:read" /></div>`}
            ${floating ? html`<${Leases} key=${`leases-${version}`} license=${license} policy=${floating} />` : null}`
      }
    <//>
    <${Modal} title="Renew license" open=${dialog === "renew"} onClose=${() => setDialog(null)}>
      <${RenewForm}
        license=${license}
        onCancel=${() => setDialog(null)}
        onRenewed=${(/** @type {License} */ renewed) => changed(`License renewed until ${new Date(renewed.expires_at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}.`)}
      />
    <//>
    <${Modal} title="Download a license file" open=${dialog === "checkout"} onClose=${() => setDialog(null)}>
      <${CheckoutForm}
        license=${license}
        onCancel=${() => setDialog(null)}
        onDone=${(/** @type {LicenseFile} */ file) => changed(`License file ${file.id} downloaded${file.expires_at ? `, valid until ${new Date(file.expires_at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}` : ", perpetual"}.`)}
      />
    <//>
    <${Modal} title="Air-gapped device" open=${dialog === "offline"} onClose=${() => setDialog(null)}>
      <${OfflineUploadForm} license=${license} onCancel=${() => setDialog(null)} onDone=${changed} />
    <//>
    <${Modal} wide title="Edit license" open=${dialog === "edit"} onClose=${() => setDialog(null)}>
      <${EditLicenseForm}
        license=${license}
        customer=${lookup.customer(license.customer_id) ?? (license.customer_id ? { id: license.customer_id } : null)}
        catalog=${catalog}
        onCancel=${() => setDialog(null)}
        onSaved=${(saved) => (saved ? changed("License saved.") : setDialog(null))}
      />
    <//>
  </section>`;
}
