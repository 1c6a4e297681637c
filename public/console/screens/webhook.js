// One webhook endpoint: its health (failing, with its last response, said first), its properties,
// editing, enabling, secret rotation with an overlap, deletion, a test event, and its deliveries
// with how each went: a viewer of the payload and every answer, retry now, redeliver.

import { path } from "../lib/api.js";
import { html, useState } from "../lib/html.js";
import { href, navigate } from "../lib/router.js";
import { Button, ConfirmButton, ErrorNote, Field, Id, Modal, PageHeader, Time, useAction, useApp, useLoad, usePages } from "../lib/ui.js";
import { DurationSelect, SecretActionButton, Stamp, when } from "./admin/common.js";
import { deliveryState, RetryNow, retryable, SendTest, ViewDelivery } from "./admin/delivery-actions.js";
import { EndpointForm } from "./admin/endpoint-form.js";
import { EventSummary } from "./admin/events.js";
import { FilteredLog } from "./admin/filtered-log.js";
import { FailingNotice, HealthCell } from "./admin/webhook-health.js";
import { EndpointState } from "./webhooks.js";

/** @typedef {import("../lib/api.js").Schema<"WebhookEndpoint">} Endpoint */
/** @typedef {import("../lib/api.js").Schema<"WebhookDelivery">} Delivery */
/** @typedef {import("./admin/endpoint-form.js").EndpointValues} EndpointValues */

/** @type {Delivery["status"][]} */
const STATUSES = ["pending", "succeeded", "failed"];

/** @param {{ endpoint: Endpoint, onSaved: (endpoint: Endpoint) => void }} props */
function EditEndpoint({ endpoint, onSaved }) {
  const { api } = useApp();
  const [open, setOpen] = useState(false);
  const action = useAction(async (/** @type {EndpointValues} */ { url, events, enabled }) => {
    // Only what changed: a new URL or event list needs the events' read permissions, a toggle does not.
    /** @type {import("../lib/api.js").Schema<"UpdateWebhookRequest">} */
    const body = {};
    if (url !== endpoint.url) body.url = url;
    const types = events.all ? [] : events.types;
    if (types.join() !== endpoint.event_types.join()) body.event_types = types;
    if (enabled !== endpoint.enabled) body.enabled = enabled;
    if (Object.keys(body).length > 0) onSaved(await api.patch(path("/v1/webhooks/{id}", { id: endpoint.id }), body));
    setOpen(false);
  });
  const start = () => {
    action.clear();
    setOpen(true);
  };
  return html`<${Button} onClick=${start}>Edit<//>
    <${Modal} title="Edit endpoint" open=${open} onClose=${() => setOpen(false)} wide>
      <${EndpointForm}
        idPrefix="edit-endpoint"
        initial=${{ url: endpoint.url, events: { all: endpoint.event_types.length === 0, types: endpoint.event_types }, enabled: endpoint.enabled }}
        submitLabel="Save"
        busy=${action.busy}
        error=${action.error}
        onSubmit=${action.run}
        onCancel=${() => setOpen(false)}
      />
    <//>`;
}

/** @param {{ endpoint: Endpoint, onSaved: (endpoint: Endpoint) => void }} props */
function ToggleEnabled({ endpoint, onSaved }) {
  const { api } = useApp();
  const action = useAction(async () => onSaved(await api.patch(path("/v1/webhooks/{id}", { id: endpoint.id }), { enabled: !endpoint.enabled })));
  return html`<${Button} busy=${action.busy} onClick=${action.run}>${endpoint.enabled ? "Disable" : "Enable"}<//>
    ${action.error ? html`<div class="inline-error"><${ErrorNote} error=${action.error} /></div>` : null}`;
}

/** @param {{ endpoint: Endpoint, onRotated: () => void }} props */
function RotateSecret({ endpoint, onRotated }) {
  const { api } = useApp();
  const [overlap, setOverlap] = useState(86400);
  const perform = async () => {
    const rotated = await api.post(path("/v1/webhooks/{id}/rotate-secret", { id: endpoint.id }), { overlap_s: overlap });
    return {
      secret: rotated.secret,
      note: html`<p class="small">
        ${
          rotated.secret_rotation_ends_at
            ? `Until ${when(rotated.secret_rotation_ends_at)} every delivery carries two signatures, one with the old secret and one with this one: switch your receiver before then.`
            : "Deliveries are signed with this secret only, from now on."
        }
      </p>`,
    };
  };
  return html`<${SecretActionButton}
    label="Rotate secret"
    title="Rotate the signing secret"
    confirmLabel="Rotate secret"
    secretLabel="the new signing secret"
    encrypted
    small=${false}
    perform=${perform}
    onDone=${onRotated}
    intro=${html`<p>
      A new <code>whsec_</code> secret replaces the current one. During the overlap each delivery is signed with both, so your receiver can switch without
      dropping events.
    </p>`}
  >
    <${Field} label="Overlap" id="rotate-overlap" hint="How long the old secret keeps signing too.">
      <${DurationSelect} id="rotate-overlap" value=${overlap} onChange=${setOverlap} max=${7 * 86400} />
    <//>
  <//>`;
}

/** @param {{ delivery: Delivery, onQueued: () => void }} props */
function Redeliver({ delivery, onQueued }) {
  const { api, notify } = useApp();
  const action = useAction(async () => {
    await api.post(path("/v1/webhook-deliveries/{id}/redeliver", { id: delivery.id }));
    notify("Delivery queued again.");
    onQueued();
  });
  return html`<${Button} class="btn-small" busy=${action.busy} onClick=${action.run}>Redeliver<span class="sr-only"> delivery ${delivery.id}</span><//>
    ${action.error ? html`<div class="inline-error"><${ErrorNote} error=${action.error} /></div>` : null}`;
}

/** @param {{ delivery: Delivery }} props */
function Response({ delivery: d }) {
  if (d.last_status_code === null && d.last_duration_ms === null) return html`<span class="muted">—</span>`;
  const ok = d.last_status_code !== null && d.last_status_code >= 200 && d.last_status_code < 300;
  // The error says more than the status only when no status came, or it is not just "HTTP 500".
  const error = d.last_error && d.last_error !== `HTTP ${d.last_status_code}` ? d.last_error : null;
  return html`<span class="nowrap">
      ${d.last_status_code !== null ? html`<span class=${ok ? "http-ok" : "http-bad"}>HTTP ${d.last_status_code}</span>` : html`<span class="http-bad">no answer</span>`}
      ${d.last_duration_ms !== null ? html`<span class="muted small"> · ${d.last_duration_ms} ms</span>` : null}
    </span>
    ${error ? html`<div class="last-error">${error}</div>` : null}`;
}

/** @param {{ endpoint: Endpoint, status: Delivery["status"] | undefined, version: number, onChanged: () => void }} props */
function Deliveries({ endpoint, status, version, onChanged }) {
  const { api, can } = useApp();
  const pages = usePages(
    (cursor) => api.get(path("/v1/webhooks/{id}/deliveries", { id: endpoint.id }), { limit: 20, starting_after: cursor, status }),
    [endpoint.id, status, version],
  );
  /** @type {import("../lib/ui.js").Column<Delivery>[]} */
  const columns = [
    { label: "Created", render: (d) => html`<${Stamp} iso=${d.created_at} />` },
    {
      label: "Event",
      className: "nowrap",
      render: (d) => html`${d.event_type ? html`<code>${d.event_type}</code><br />` : null}<${Id} value=${d.event_id} />`,
    },
    { label: "Status", render: (d) => html`<span class=${`badge badge-${d.status}`}>${deliveryState(d)}</span>` },
    { label: "Attempts", className: "num", render: (d) => d.attempts },
    { label: "Last response", className: "error-cell", render: (d) => html`<${Response} delivery=${d} />` },
    {
      label: "Next retry / delivered",
      render: (d) =>
        d.status === "pending"
          ? html`<${Stamp} iso=${d.next_attempt_at} />`
          : d.delivered_at
            ? html`<span class="muted small">delivered </span><${Stamp} iso=${d.delivered_at} />`
            : html`<span class="muted">gave up</span>`,
    },
    {
      label: "",
      className: "actions-cell",
      render: (d) => html`<div class="row-actions delivery-actions">
        <${ViewDelivery} endpointId=${endpoint.id} delivery=${d} onChanged=${onChanged} />
        ${can("webhooks:write") && retryable(d) && endpoint.enabled ? html`<${RetryNow} endpointId=${endpoint.id} delivery=${d} onDone=${onChanged} />` : null}
        ${can("webhooks:write") && d.status !== "pending" ? html`<${Redeliver} delivery=${d} onQueued=${onChanged} />` : null}
      </div>`,
    },
  ];
  return html`<${FilteredLog}
    id="deliveries"
    title="Deliveries"
    intro=${html`Newest first. A failed attempt is retried with backoff (10 attempts over about three days), then the delivery is marked failed. Retry
      now makes a delivery's next attempt at once; redeliver sends it again with a fresh set of attempts. Both keep its <code>webhook-id</code>.`}
    filter=${{ id: "delivery-status", label: "Status", value: status, options: STATUSES, hrefFor: (value) => href("webhooks", endpoint.id, { status: value }) }}
    pages=${pages}
    table=${{
      label: "Deliveries",
      columns,
      empty: status ? `No ${status} deliveries.` : "Nothing delivered yet: deliveries appear when a subscribed event happens.",
    }}
  />`;
}

/** @param {{ id: string, params: URLSearchParams }} props */
export function WebhookScreen({ id, params }) {
  const { api, can, notify } = useApp();
  const [fresh, setFresh] = useState(/** @type {Endpoint | null} */ (null));
  const load = useLoad(() => api.get(path("/v1/webhooks/{id}", { id })), [id]);
  // A change answers with the endpoint as it now is: show that without reading it again.
  const endpoint = fresh ?? load.data;
  const status = STATUSES.find((s) => s === params?.get("status"));
  const remove = async () => {
    await api.del(path("/v1/webhooks/{id}", { id }));
    notify("Endpoint deleted.");
    navigate(href("webhooks"));
  };
  const reload = () => {
    setFresh(null);
    load.reload();
  };
  // A retry or a test changes the endpoint's health and its deliveries: both are read again.
  const [version, setVersion] = useState(0);
  const changed = () => {
    reload();
    setVersion((v) => v + 1);
  };
  return html`<section class="admin-screen">
    <p class="crumbs"><a href=${href("webhooks")}>← Webhooks</a></p>
    <${PageHeader} title="Webhook endpoint" subtitle=${endpoint?.url}>
      ${
        endpoint && can("webhooks:write")
          ? html`<${SendTest} endpointId=${endpoint.id} onSent=${changed} />
            <${EditEndpoint} endpoint=${endpoint} onSaved=${setFresh} />
            <${ToggleEnabled} endpoint=${endpoint} onSaved=${setFresh} />
            <${RotateSecret} endpoint=${endpoint} onRotated=${reload} />
            <${ConfirmButton}
              label="Delete"
              title="Delete this endpoint"
              confirmLabel="Delete endpoint"
              message=${`${endpoint.url} stops receiving events, and its pending deliveries are dropped. This cannot be undone.`}
              onConfirm=${remove}
            />`
          : null
      }
    <//>
    <${ErrorNote} error=${load.error} />
    ${load.loading && !endpoint ? html`<p class="muted">Loading…</p>` : null}
    ${
      endpoint
        ? html`<${FailingNotice} endpoint=${endpoint} />
          <div class="card">
            <dl class="props">
              <dt>Id</dt>
              <dd><${Id} value=${endpoint.id} /></dd>
              <dt>URL</dt>
              <dd class="url-text">${endpoint.url}</dd>
              <dt>Events</dt>
              <dd><${EventSummary} types=${endpoint.event_types} /></dd>
              <dt>Health</dt>
              <dd class="health-prop"><${HealthCell} health=${endpoint.health} /></dd>
              <dt>State</dt>
              <dd><${EndpointState} endpoint=${endpoint} /></dd>
              <dt>Created</dt>
              <dd><${Time} iso=${endpoint.created_at} /></dd>
              <dt>Updated</dt>
              <dd><${Time} iso=${endpoint.updated_at} /></dd>
            </dl>
          </div>
          <${Deliveries} endpoint=${endpoint} status=${status} version=${version} onChanged=${changed} />`
        : null
    }
  </section>`;
}
