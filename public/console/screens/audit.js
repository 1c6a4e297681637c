// The audit log: every change to the tenant, newest first, filterable by action (an exact action
// or a dotted prefix, kept in the address so a filtered view can be shared), and the check that
// its hash chain is intact.

import { html, useState } from "../lib/html.js";
import { href, navigate } from "../lib/router.js";
import { Button, ErrorNote, Id, PageHeader, Pager, useAction, useApp, usePages } from "../lib/ui.js";
import { ListTable, Stamp } from "./admin/common.js";

const PREFIXES = ["application", "policy", "license", "activation", "lease", "api_key", "user_token", "webhook", "token", "metrics", "tenant"];
const ACTION_SHAPE = /^[a-z_]+(\.[a-z_]+)*$/;

const BREAKS = {
  sequence_gap: "An entry is missing: the sequence numbers jump here.",
  prev_hash_mismatch: "This entry does not point at the hash of the one before it: an entry before it was removed, added or reordered.",
  hash_mismatch: "This entry's content does not match its hash: it was changed after it was written.",
};

/** @typedef {import("../lib/api.js").Schema<"AuditEntry">} AuditEntry */

/**
 * Where a target lives in the console, when it has a page there.
 * @param {{ entry: AuditEntry }} props
 */
function Target({ entry }) {
  const { can } = useApp();
  const page =
    entry.target_type === "license" && can("licenses:read")
      ? href("licenses", entry.target_id)
      : entry.target_type === "webhook_endpoint" && can("webhooks:read")
        ? href("webhooks", entry.target_id)
        : null;
  return html`<span class="muted small">${entry.target_type}</span>
    <div>${page ? html`<a href=${page}><${Id} value=${entry.target_id} /></a>` : html`<${Id} value=${entry.target_id} />`}</div>`;
}

const SHORT_DETAILS = 90;

/**
 * Compact JSON as text; a long one folds so every row stays a few lines tall.
 * @param {{ details: AuditEntry["details"] }} props
 */
function Details({ details }) {
  const text = details && Object.keys(details).length > 0 ? JSON.stringify(details) : null;
  if (!text) return html`<span class="muted">—</span>`;
  if (text.length <= SHORT_DETAILS) return html`<code class="json">${text}</code>`;
  return html`<details class="json-more">
    <summary><code class="json">${text.slice(0, SHORT_DETAILS - 10)}…</code></summary>
    <code class="json">${text}</code>
  </details>`;
}

/** @param {{ report: import("../lib/api.js").Schema<"AuditChainReport"> }} props */
function VerifyResult({ report }) {
  if (report.ok) {
    return html`<div class="verify-result verify-ok" role="status">
      <strong>Chain intact.</strong> All ${report.count.toLocaleString()} entries verified: each one's hash matches its content and the entry before it.
    </div>`;
  }
  const at = report.broken_at;
  return html`<div class="verify-result verify-broken" role="alert">
    <strong>Chain broken at entry #${at?.seq}</strong> (<code>${at?.id}</code>, <code>${at?.reason}</code>).
    <p>${BREAKS[at?.reason] ?? "The chain does not verify from this entry on."}</p>
    <p class="muted small">${report.count.toLocaleString()} entries before it verified.</p>
  </div>`;
}

/** @param {{ params: URLSearchParams }} props */
export function AuditScreen({ params }) {
  const { api, session } = useApp();
  const wanted = params?.get("action") ?? "";
  const action = ACTION_SHAPE.test(wanted) ? wanted : "";
  const pages = usePages((cursor) => api.get("/v1/audit-log", { limit: 25, starting_after: cursor, action }), [action]);
  const [report, setReport] = useState(/** @type {import("../lib/api.js").Schema<"AuditChainReport"> | null} */ (null));
  const verify = useAction(async () => setReport(await api.get("/v1/audit-log/verify")));
  const self = session.me.credential.id;
  // An exact action arriving by link (license.suspend) is offered too, so the select shows it.
  const choices = action && !PREFIXES.includes(action) ? [...PREFIXES, action] : PREFIXES;
  /** @type {import("../lib/ui.js").Column<AuditEntry>[]} */
  const columns = [
    { label: "#", className: "num", render: (e) => e.seq },
    { label: "Time", render: (e) => html`<${Stamp} iso=${e.created_at} />` },
    {
      label: "Actor",
      render: (e) => html`<${Id} value=${e.actor} />${e.actor === self ? html` <span class="badge badge-self">you</span>` : null}`,
    },
    { label: "Action", render: (e) => html`<code class="action-name">${e.action}</code>` },
    { label: "Target", render: (e) => html`<${Target} entry=${e} />` },
    { label: "Request", render: (e) => (e.request_id ? html`<${Id} value=${e.request_id} />` : html`<span class="muted">—</span>`) },
    { label: "Details", className: "details-cell", render: (e) => html`<${Details} details=${e.details} />` },
  ];
  return html`<section class="admin-screen">
    <${PageHeader} title="Audit log" subtitle="Every change made through the API, newest first. Each entry is chained to the one before it by a hash.">
      <${Button} busy=${verify.busy} onClick=${verify.run}>Verify chain<//>
    <//>
    <${ErrorNote} error=${verify.error} />
    ${report ? html`<${VerifyResult} report=${report} />` : null}
    <div class="filters">
      <label class="inline" for="audit-action">
        Action
        <select id="audit-action" value=${action} onChange=${(e) => navigate(href("audit", { action: e.currentTarget.value }))}>
          <option value="">All actions</option>
          ${choices.map((p) => html`<option value=${p}>${p.includes(".") ? p : `${p}.*`}</option>`)}
        </select>
      </label>
      <${Button} class="btn-small" busy=${pages.loading} onClick=${pages.reload}>Refresh<//>
    </div>
    <${ErrorNote} error=${pages.error} />
    <${ListTable}
      label="Audit log entries"
      columns=${columns}
      rows=${pages.rows}
      loading=${pages.loading}
      empty=${action ? `No ${action} entries.` : "No entries yet."}
    />
    <${Pager} pages=${pages} />
  </section>`;
}
