// A paginated log in a card: a heading and what the log holds, a filter kept in the address (so a
// filtered view can be linked and survives a reload), Refresh, and the table with its pager. The
// webhook deliveries and the billing event log are both this shape.
import { html } from "../../lib/html.js";
import { navigate } from "../../lib/router.js";
import { Button, ErrorNote, Pager } from "../../lib/ui.js";
import { ListTable } from "./common.js";

/**
 * @param {{
 *   id: string, title: string, intro: any, className?: string,
 *   filter: { id: string, label: string, value: string | null, options: readonly string[], hrefFor: (value: string) => string },
 *   pages: any, table: { label: string, columns: any[], empty: string },
 * }} props
 */
export function FilteredLog({ id, title, intro, className = "", filter, pages, table }) {
  return html`<section class=${`card ${className}`.trim()} aria-labelledby=${`${id}-title`}>
    <header class="section-header">
      <div>
        <h2 id=${`${id}-title`}>${title}</h2>
        <p class="section-intro muted small">${intro}</p>
      </div>
      <div class="actions">
        <label class="inline" for=${filter.id}>
          ${filter.label}
          <select id=${filter.id} value=${filter.value ?? ""} onChange=${(e) => navigate(filter.hrefFor(e.currentTarget.value))}>
            <option value="">All</option>
            ${filter.options.map((o) => html`<option value=${o}>${o}</option>`)}
          </select>
        </label>
        <${Button} busy=${pages.loading} onClick=${pages.reload}>Refresh<//>
      </div>
    </header>
    <${ErrorNote} error=${pages.error} />
    <${ListTable} label=${table.label} columns=${table.columns} rows=${pages.rows} loading=${pages.loading} empty=${table.empty} />
    <${Pager} pages=${pages} />
  </section>`;
}
