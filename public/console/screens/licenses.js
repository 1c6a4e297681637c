// Licenses: search (a whole key, an id, a key prefix, plan, metadata text or the customer's name,
// email or company), filter by status, application and customer, and issue new ones. Each row
// names its customer (a page's customers read in one call). Filters live in the hash query, so a
// reload or a shared link shows the same list; a new license's key is shown once, in the create
// dialog only.
import { html, useEffect, useState } from "../lib/html.js";
import { href, navigate } from "../lib/router.js";
import { Button, ErrorNote, Id, Modal, PageHeader, Pager, StatusBadge, Table, Time, useApp, usePages } from "../lib/ui.js";
import { CustomerRef, customerName, useCustomerLookup } from "./customers/common.js";
import { AppName, fromNow, PolicyName, Seats, useCatalog } from "./licensing/common.js";
import { CreateLicenseForm } from "./licensing/license-form.js";

/** @typedef {import("../lib/api.js").Schema<"License">} License */

/** @type {License["status"][]} */
const STATUSES = ["active", "suspended", "revoked", "expired"];

/** A whole license key (the service's LICENSE_KEY_PATTERN): a secret, so never put in the URL and its history. */
const WHOLE_KEY = /^lk_[1-9A-HJ-NP-Za-km-z]{40}$/;

function Expiry({ iso }) {
  if (!iso) return html`<span class="muted">Never</span>`;
  return html`<${Time} iso=${iso} /><br /><span class="muted small">${fromNow(iso)}</span>`;
}

/** @param {{ params: URLSearchParams }} props */
export function LicensesScreen({ params }) {
  const { api, can, notify } = useApp();
  const writes = can("licenses:write");
  const catalog = useCatalog();
  const q = params.get("q") ?? "";
  const status = STATUSES.find((s) => s === params.get("status")) ?? "";
  const application = params.get("application_id") ?? "";
  const customer = params.get("customer_id") ?? "";
  const [text, setText] = useState(q);
  // A whole key searched for: kept in this screen only, the hash gets no `q` for it.
  const [keyQuery, setKeyQuery] = useState(null);
  const [creating, setCreating] = useState(false);
  const search = keyQuery ?? q;
  // Back and forward change the query without remounting the screen: the box follows.
  useEffect(() => {
    if (q) {
      setKeyQuery(null);
      setText(q);
    } else if (!keyQuery) setText("");
  }, [q]);

  const pages = usePages(
    // "" (any status) is not a status of the API's; query() leaves undefined out just as it did "".
    (cursor) =>
      api.get("/v1/licenses", {
        limit: 25,
        starting_after: cursor,
        q: search,
        status: status || undefined,
        application_id: application,
        customer_id: customer,
      }),
    [search, status, application, customer],
  );
  const lookup = useCustomerLookup([customer, ...pages.rows.map((l) => l.customer_id)]);
  const filter = (changes) => navigate(href("licenses", { q, status, application_id: application, customer_id: customer, ...changes }));
  const submitSearch = (e) => {
    e.preventDefault();
    const value = text.trim();
    setKeyQuery(WHOLE_KEY.test(value) ? value : null);
    filter({ q: WHOLE_KEY.test(value) ? "" : value });
  };
  const clear = () => {
    setKeyQuery(null);
    setText("");
    navigate(href("licenses"));
  };
  const filtered = Boolean(search || status || application || customer);
  const filteredCustomer = lookup.customer(customer);

  /** @type {import("../lib/ui.js").Column<License>[]} */
  const columns = [
    {
      label: "License",
      render: (l) =>
        html`<a href=${href("licenses", l.id)} class="lic-row-link"><${Id} value=${l.id} /></a><br /><span class="muted small">key <code>${l.key_prefix}…</code></span>`,
    },
    { label: "Customer", className: "lic-customer", render: (l) => html`<${CustomerRef} id=${l.customer_id} lookup=${lookup} />` },
    { label: "Status", render: (l) => html`<${StatusBadge} status=${l.status} />` },
    { label: "Plan", render: (l) => l.plan ?? html`<span class="muted">—</span>` },
    { label: "Policy", render: (l) => html`<${PolicyName} id=${l.policy_id} catalog=${catalog} />` },
    { label: "Application", render: (l) => html`<${AppName} id=${l.application_id} catalog=${catalog} />` },
    { label: "Seats", render: (l) => html`<${Seats} used=${l.activation_count} policyId=${l.policy_id} catalog=${catalog} />` },
    { label: "Expires", render: (l) => html`<${Expiry} iso=${l.expires_at} />` },
    { label: "Created", render: (l) => html`<${Time} iso=${l.created_at} />` },
  ];

  return html`<section>
    <${PageHeader} title="Licenses" subtitle="Every license you issued. Search by a whole key, an id, a key prefix, the plan, metadata, or the customer's name, email or company.">
      ${writes ? html`<${Button} kind="primary" onClick=${() => setCreating(true)}>New license<//>` : null}
    <//>
    <form class="filters" role="search" onSubmit=${submitSearch}>
      <label class="sr-only" for="licenses-q">Search licenses</label>
      <input id="licenses-q" type="search" maxlength="200" placeholder="Key, id, prefix, plan or customer" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
      <${Button} type="submit">Search<//>
      <label class="sr-only" for="licenses-status">Filter by status</label>
      <select id="licenses-status" value=${status} onChange=${(e) => filter({ status: e.currentTarget.value })}>
        <option value="">Any status</option>
        ${STATUSES.map((s) => html`<option value=${s}>${s[0].toUpperCase() + s.slice(1)}</option>`)}
      </select>
      ${
        catalog.applications
          ? html`<label class="sr-only" for="licenses-application">Filter by application</label>
            <select id="licenses-application" value=${application} onChange=${(e) => filter({ application_id: e.currentTarget.value })}>
              <option value="">All applications</option>
              ${catalog.applications.map((a) => html`<option value=${a.id}>${a.name}</option>`)}
            </select>`
          : null
      }
      ${
        customer
          ? html`<span class="cust-filter-chip">Customer: <a href=${href("customers", customer)}>${filteredCustomer ? customerName(filteredCustomer) : customer}</a></span>`
          : null
      }
      ${filtered ? html`<${Button} onClick=${clear}>Clear filters<//>` : null}
    </form>
    <${ErrorNote} error=${pages.error || catalog.error || lookup.error} />
    <${Table}
      label="Licenses"
      columns=${columns}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${filtered ? "No license matches these filters." : writes ? "No licenses yet. Issue one with New license." : "No licenses yet."}
    />
    <${Pager} pages=${pages} />
    <${Modal} wide title="New license" open=${creating} onClose=${() => setCreating(false)}>
      <${CreateLicenseForm}
        catalog=${catalog}
        onClose=${() => setCreating(false)}
        onCreated=${(/** @type {License} */ license) => {
          notify(`License ${license.id} created.`);
          pages.reload();
        }}
      />
    <//>
  </section>`;
}
