// One customer: its profile (editable), how much hangs on it, and tabs for its licenses, users,
// groups, live devices, floating seats and activity; its data exported as JSON, or its personal data erased;
// a one-time link to the customer portal, to send them.
// Each tab and action shows only when the credential holds what its API call needs.
import { path } from "../lib/api.js";
import { html, useRef, useState } from "../lib/html.js";
import { href, navigate } from "../lib/router.js";
import { Button, ConfirmButton, ErrorNote, Id, Modal, PageHeader, Time, useApp, useLoad } from "../lib/ui.js";
import { Activity } from "./activity/feed.js";
import { Country, customerName } from "./customers/common.js";
import { CustomerDevices, CustomerSeats } from "./customers/devices.js";
import { CustomerForm } from "./customers/form.js";
import { GroupsSection } from "./customers/groups.js";
import { CustomerLicenses } from "./customers/licenses.js";
import { PortalLinkButton } from "./customers/portal-link.js";
import { EraseButton, ExportButton } from "./customers/privacy.js";
import { UsersSection } from "./customers/users.js";

/** @typedef {import("../lib/api.js").Schema<"CustomerDetail">} CustomerDetail */
/** @typedef {import("../lib/session.js").Permission} Permission */

/** What deleting needs: the customer goes with its users and groups. */
const DELETE_NEEDS = /** @type {Permission[]} */ (["customers:write", "users:write", "groups:write"]);

/**
 * The tabs, each with the permission its list reads with and its count in GET /v1/customers/{id}.
 * Activity has no count, and shows to every reader of the customer: without events:read it says so.
 * @type {{ key: string, label: string, permission: Permission, count?: keyof CustomerDetail["counts"] }[]}
 */
const TABS = [
  { key: "licenses", label: "Licenses", permission: "licenses:read", count: "licenses" },
  { key: "users", label: "Users", permission: "users:read", count: "users" },
  { key: "groups", label: "Groups", permission: "groups:read", count: "groups" },
  { key: "devices", label: "Devices", permission: "activations:read", count: "devices" },
  { key: "seats", label: "Floating seats", permission: "licenses:read", count: "seats" },
  { key: "activity", label: "Activity", permission: "customers:read" },
];

/** @param {{ customer: CustomerDetail }} props */
function Profile({ customer }) {
  const ids = Object.entries(customer.external_ids);
  return html`<div class="card">
    <h2>Profile</h2>
    <dl class="props cust-props">
      <dt>ID</dt>
      <dd><${Id} value=${customer.id} /></dd>
      <dt>Name</dt>
      <dd>${customer.name ?? html`<span class="muted">Erased</span>`}</dd>
      <dt>Email</dt>
      <dd>${customer.email ? html`<a href=${`mailto:${customer.email}`}>${customer.email}</a>` : html`<span class="muted">${customer.erased_at ? "Erased" : "—"}</span>`}</dd>
      <dt>Company</dt>
      <dd>${customer.company ?? html`<span class="muted">—</span>`}</dd>
      <dt>Country</dt>
      <dd><${Country} code=${customer.country} /></dd>
      <dt>External ids</dt>
      <dd>
        ${
          ids.length
            ? html`<ul class="cust-external">
              ${ids.map(([provider, id]) => html`<li><span class="muted">${provider}</span> <code>${id}</code></li>`)}
            </ul>`
            : html`<span class="muted">None</span>`
        }
      </dd>
      <dt>Created</dt>
      <dd><${Time} iso=${customer.created_at} /></dd>
      <dt>Updated</dt>
      <dd><${Time} iso=${customer.updated_at} /></dd>
      ${customer.erased_at ? html`<dt>Erased</dt><dd><${Time} iso=${customer.erased_at} /></dd>` : null}
    </dl>
  </div>`;
}

/**
 * ARIA tabs: one tab stop, arrow keys move between tabs, the chosen tab lives in the hash query.
 * @param {{ tabs: typeof TABS, active: string, counts: CustomerDetail["counts"], onSelect: (key: string) => void }} props
 */
function TabList({ tabs, active, counts, onSelect }) {
  const list = useRef(null);
  const onKeyDown = (e) => {
    const at = tabs.findIndex((t) => t.key === active);
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -at, End: tabs.length - 1 - at }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const next = tabs[(at + step + tabs.length) % tabs.length];
    onSelect(next.key);
    list.current?.querySelector(`#cust-tab-${next.key}`)?.focus();
  };
  return html`<div class="cust-tabs" role="tablist" aria-label="Customer's records" ref=${list} onKeyDown=${onKeyDown}>
    ${tabs.map(
      (t) => html`<button
        type="button"
        role="tab"
        id=${`cust-tab-${t.key}`}
        aria-selected=${t.key === active ? "true" : "false"}
        aria-controls="cust-tabpanel"
        tabindex=${t.key === active ? 0 : -1}
        class="cust-tab"
        onClick=${() => onSelect(t.key)}
      >
        ${t.label} ${t.count ? html`<span class="cust-count">${counts[t.count].toLocaleString()}</span>` : null}
      </button>`,
    )}
  </div>`;
}

/** @param {{ id: string, params: URLSearchParams }} props */
export function CustomerScreen({ id, params }) {
  const { api, can, notify } = useApp();
  const load = useLoad(() => api.get(path("/v1/customers/{id}", { id })), [id]);
  const [editing, setEditing] = useState(false);
  const customer = load.data;
  const tabs = TABS.filter((t) => can(t.permission));
  const active = tabs.find((t) => t.key === params.get("tab"))?.key ?? tabs[0]?.key;
  const select = (key) => navigate(href("customers", id, { tab: key }));

  if (!customer) {
    return html`<section>
      <p class="lic-crumbs"><a href=${href("customers")}>← Customers</a></p>
      <${PageHeader} title="Customer" />
      <${ErrorNote} error=${load.error} />
      ${load.loading ? html`<p class="muted">Loading…</p>` : null}
    </section>`;
  }

  const erased = Boolean(customer.erased_at);
  const changed = () => load.reload();
  return html`<section>
    <p class="lic-crumbs"><a href=${href("customers")}>← Customers</a></p>
    <${PageHeader} title=${customerName(customer)} subtitle=${[customer.email, customer.company].filter(Boolean).join(" · ") || customer.id}>
      ${erased ? html`<span class="badge badge-erased">personal data erased</span>` : null}
      ${can("customers:write") && !erased ? html`<${Button} onClick=${() => setEditing(true)}>Edit<//>` : null}
      <${PortalLinkButton} customer=${customer} />
      <${ExportButton} customer=${customer} />
      <${EraseButton} customer=${customer} onErased=${changed} />
      ${
        DELETE_NEEDS.every(can) && customer.counts.licenses === 0
          ? html`<${ConfirmButton}
              label="Delete"
              title="Delete this customer?"
              message=${`${customerName(customer)} is deleted for good, with its ${customer.counts.users} user(s) and ${customer.counts.groups} group(s). It owns no licenses.`}
              onConfirm=${async () => {
                await api.del(path("/v1/customers/{id}", { id }));
                notify(`Customer ${customerName(customer)} deleted.`);
                navigate(href("customers"));
              }}
            />`
          : null
      }
    <//>
    <${Profile} customer=${customer} />
    ${
      tabs.length
        ? html`<div class="card cust-records">
          <${TabList} tabs=${tabs} active=${active} counts=${customer.counts} onSelect=${select} />
          <div class="cust-tabpanel" role="tabpanel" id="cust-tabpanel" aria-labelledby=${`cust-tab-${active}`}>
            ${active === "licenses" ? html`<${CustomerLicenses} customer=${customer} onChange=${changed} />` : null}
            ${active === "users" ? html`<${UsersSection} customer=${customer} onChange=${changed} />` : null}
            ${active === "groups" ? html`<${GroupsSection} customer=${customer} onChange=${changed} />` : null}
            ${active === "devices" ? html`<${CustomerDevices} customer=${customer} />` : null}
            ${active === "seats" ? html`<${CustomerSeats} customer=${customer} />` : null}
            ${active === "activity" ? html`<${Activity} kind="customer" id=${id} params=${params} link=${(filters) => href("customers", id, { tab: "activity", ...filters })} />` : null}
          </div>
        </div>`
        : null
    }
    <${Modal} wide title="Edit customer" open=${editing} onClose=${() => setEditing(false)}>
      <${CustomerForm}
        customer=${customer}
        onCancel=${() => setEditing(false)}
        onSaved=${(saved) => {
          setEditing(false);
          if (saved) {
            notify("Customer saved.");
            load.reload();
          }
        }}
      />
    <//>
  </section>`;
}
