// A connector's event log (GET /v1/billing/events?connector_id=): every delivery it received,
// newest first, with what became of it (the outcome in words, never by colour alone), why, the
// subscription or order it is about, and the license it made or changed. Its columns fit a
// laptop's width: identifiers wrap at their separators, and the reason sits under its outcome. Filtered by outcome
// through the address, so a reload or a shared link shows the same list; paged by the API's cursor.
import { html } from "../../lib/html.js";
import { href } from "../../lib/router.js";
import { Id, useApp, usePages } from "../../lib/ui.js";
import { Stamp } from "../admin/common.js";
import { FilteredLog } from "../admin/filtered-log.js";
import { Breakable, OUTCOME_KEYS, OUTCOMES, OutcomeBadge } from "./common.js";

/** @typedef {import("./common.js").BillingEvent} BillingEvent */
/** @typedef {import("./common.js").Connector} Connector */

/** An empty cell: on a phone, where each row is a card, it is left out rather than shown as a dash. */
const dash = html`<span class="muted bill-none">—</span>`;

/** @param {{ connector: Connector, outcome: BillingEvent["outcome"] | undefined, version: number }} props */
export function EventLog({ connector, outcome, version }) {
  const { api, can } = useApp();
  const pages = usePages(
    (cursor) => api.get("/v1/billing/events", { connector_id: connector.id, outcome, limit: 20, starting_after: cursor }),
    [connector.id, outcome, version],
  );
  const licenses = can("licenses:read");
  /** @type {import("../../lib/ui.js").Column<BillingEvent>[]} */
  const columns = [
    { label: "Received", render: (e) => html`<${Stamp} iso=${e.received_at} />` },
    {
      label: "Event",
      className: "bill-event",
      render: (e) => html`${e.event_type ? html`<code class="bill-word"><${Breakable} text=${e.event_type} /></code>` : html`<span class="muted">unread</span>`}
        ${e.provider_event_id ? html`<div><code class="id bill-word bill-event-id"><${Breakable} text=${e.provider_event_id} /></code></div>` : null}`,
    },
    {
      // The outcome and why, together: the reason only makes sense beside its outcome.
      label: "Outcome",
      className: "bill-outcome-cell",
      render: (e) => html`<${OutcomeBadge} outcome=${e.outcome} />${e.reason ? html`<div class="bill-reason">${e.reason}</div>` : null}`,
    },
    // A reference (`order:pi_…`, `subscription:sub_…`) wraps after its kind only; a license id not at all.
    { label: "Reference", render: (e) => (e.reference ? html`<code class="bill-word"><${Breakable} text=${e.reference} after=":" /></code>` : dash) },
    {
      label: "License",
      className: "nowrap",
      render: (e) =>
        !e.license_id
          ? dash
          : licenses
            ? html`<a href=${href("licenses", e.license_id)} class="bill-license-link">${e.license_id}</a>`
            : html`<${Id} value=${e.license_id} />`,
    },
  ];
  return html`<${FilteredLog}
    id="billing-log"
    className="bill-log"
    title="Event log"
    intro=${`Every delivery ${connector.name} received, newest first. A failed one is applied afresh when the provider retries it; a rejected one kept nothing of its body.`}
    filter=${{ id: "billing-outcome", label: "Outcome", value: outcome, options: OUTCOME_KEYS, hrefFor: (value) => href("billing", connector.id, { outcome: value }) }}
    pages=${pages}
    table=${{
      label: "Billing events",
      columns,
      empty: outcome
        ? `No ${outcome} events (${OUTCOMES[outcome].meaning}).`
        : "Nothing received yet: deliveries appear here as the provider sends them. Send a test event to check the connection.",
    }}
  />`;
}
