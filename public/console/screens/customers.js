// Customers: the accounts licenses belong to. Search by name, email, company, id or an external id
// (a Stripe customer id), page through them, and add one. The search lives in the hash query, so a
// reload or a shared link shows the same list.
import { html, useEffect, useState } from "../lib/html.js";
import { href, navigate } from "../lib/router.js";
import { Button, ErrorNote, Modal, PageHeader, Pager, Table, Time, useApp, usePages } from "../lib/ui.js";
import { Country, customerName } from "./customers/common.js";
import { CustomerForm } from "./customers/form.js";

/** @typedef {import("../lib/api.js").Schema<"Customer">} Customer */

/** @param {{ params: URLSearchParams }} props */
export function CustomersScreen({ params }) {
  const { api, can, notify } = useApp();
  const writes = can("customers:write");
  const q = params.get("q") ?? "";
  const [text, setText] = useState(q);
  const [creating, setCreating] = useState(false);
  // Back and forward change the query without remounting the screen: the box follows.
  useEffect(() => setText(q), [q]);
  const pages = usePages((cursor) => api.get("/v1/customers", { limit: 25, starting_after: cursor, q }), [q]);
  const submit = (e) => {
    e.preventDefault();
    navigate(href("customers", { q: text.trim() }));
  };

  /** @type {import("../lib/ui.js").Column<Customer>[]} */
  const columns = [
    {
      label: "Customer",
      render: (c) => html`<span class="cust-ref">
        <span>
          <a href=${href("customers", c.id)} class="cust-name-link">${customerName(c)}</a>
          ${c.erased_at ? html` <span class="badge badge-erased">erased</span>` : null}
        </span>
        ${c.email ? html`<span class="muted small cust-ref-email">${c.email}</span>` : null}
      </span>`,
    },
    { label: "Company", className: "cust-meta", render: (c) => c.company ?? html`<span class="muted">—</span>` },
    { label: "Country", className: "cust-meta", render: (c) => html`<${Country} code=${c.country} />` },
    { label: "Created", render: (c) => html`<${Time} iso=${c.created_at} />` },
  ];

  return html`<section>
    <${PageHeader} title="Customers" subtitle="The companies and people you license to, with their users, groups, licenses and devices.">
      ${writes ? html`<${Button} kind="primary" onClick=${() => setCreating(true)}>New customer<//>` : null}
    <//>
    <form class="filters cust-search" role="search" onSubmit=${submit}>
      <label class="sr-only" for="customers-q">Search customers</label>
      <input
        id="customers-q"
        type="search"
        maxlength="200"
        placeholder="Name, email, company, id or external id"
        value=${text}
        onInput=${(e) => setText(e.currentTarget.value)}
      />
      <${Button} type="submit">Search<//>
      ${q ? html`<${Button} onClick=${() => navigate(href("customers"))}>Clear search<//>` : null}
    </form>
    <${ErrorNote} error=${pages.error} />
    <${Table}
      label="Customers"
      columns=${columns}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${q ? "No customer matches this search." : writes ? "No customers yet. Add one with New customer." : "No customers yet."}
    />
    <${Pager} pages=${pages} />
    <${Modal} wide title="New customer" open=${creating} onClose=${() => setCreating(false)}>
      <${CustomerForm}
        customer=${null}
        onCancel=${() => setCreating(false)}
        onSaved=${(/** @type {Customer} */ created) => {
          setCreating(false);
          notify(`Customer ${created.name} created.`);
          pages.reload();
        }}
      />
    <//>
  </section>`;
}
