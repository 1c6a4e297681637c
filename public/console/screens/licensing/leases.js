// A floating license's seats in the console: who holds one (instance, user), until when, whether
// it is borrowed, and a release for a stuck client. Shown when the license's policy has leases.
import { path } from "../../lib/api.js";
import { html } from "../../lib/html.js";
import { ConfirmButton, ErrorNote, Pager, Table, Time, useApp, usePages } from "../../lib/ui.js";

/** @param {{ license: import("../../lib/api.js").Schema<"License">, policy: import("../../lib/api.js").Schema<"Policy"> }} props */
export function Leases({ license, policy }) {
  const { api, can, notify } = useApp();
  const pages = usePages((cursor) => api.get(path("/v1/licenses/{id}/leases", { id: license.id }), { limit: 20, starting_after: cursor }), [license.id]);
  const writes = can("licenses:write");
  // Seats count leases, or users under per_user; exact while one page holds them all (20).
  const held = policy.lease_mode === "per_user" ? new Set(pages.rows.map((l) => l.user)).size : pages.rows.length;
  const inUse = pages.hasNext || pages.hasPrevious ? `${held}+ on this page` : String(held);
  const seats = policy.max_leases === null ? `${inUse} (unlimited)` : `${inUse} of ${policy.max_leases}`;
  /** @type {import("../../lib/ui.js").Column<import("../../lib/api.js").Schema<"Lease">>[]} */
  const columns = [
    { label: "Instance", render: (l) => html`<code>${l.instance_id}</code>` },
    { label: "User", render: (l) => l.user ?? html`<span class="muted">—</span>` },
    { label: "Taken", render: (l) => html`<${Time} iso=${l.created_at} />` },
    {
      label: "Frees itself",
      render: (l) => html`<${Time} iso=${l.expires_at} />${l.borrowed_until ? html` <span class="badge">borrowed</span>` : null}`,
    },
    {
      label: writes ? "Seat" : "State",
      className: "lic-row-actions",
      render: (l) =>
        writes
          ? html`<${ConfirmButton}
              small
              label="Release"
              title="Release this seat?"
              message=${`The instance ${l.instance_id} loses its seat at once; its next heartbeat fails and it must take a new seat.`}
              onConfirm=${async () => {
                await api.del(path("/v1/licenses/{id}/leases/{lease_id}", { id: license.id, lease_id: l.id }));
                notify("Seat released.");
                pages.reload();
              }}
            />`
          : html`<span class="badge badge-active">holds a seat</span>`,
    },
  ];
  return html`<div class="card">
    <div class="lic-card-header">
      <h2>Floating seats</h2>
      <span class="muted">${policy.lease_mode === "per_user" ? "one per user" : "one per running copy"} · in use: ${seats}</span>
    </div>
    <${ErrorNote} error=${pages.error} />
    <${Table} label="Floating seats" columns=${columns} rows=${pages.rows} loading=${pages.loading} empty="No seat is in use." />
    <${Pager} pages=${pages} />
  </div>`;
}
