// What a seller does with an endpoint's deliveries: look at one (the exact payload sent, and every
// attempt with the receiver's status, the start of its answer and the time taken), retry one now
// instead of waiting for its next scheduled attempt, and send the endpoint a test event.

import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ErrorNote, Id, Modal, useAction, useApp, useLoad } from "../../lib/ui.js";
import { Stamp, when } from "./common.js";

/** @typedef {import("../../lib/api.js").Schema<"WebhookDelivery">} Delivery */
/** @typedef {import("../../lib/api.js").Schema<"WebhookAttempt">} Attempt */
/** @typedef {import("../../lib/api.js").Schema<"WebhookAttemptResult">} AttemptResult */

/** The API keeps this much of an answer: an excerpt this long was cut. */
const EXCERPT_CHARS = 2048;

/** A delivery's state in words: a pending one that has been attempted is being retried. */
export function deliveryState(/** @type {Delivery} */ d) {
  return d.status === "pending" && d.attempts > 0 ? "retrying" : d.status;
}

/** Whether "retry now" applies: still retrying, or failed after every attempt. */
export const retryable = (/** @type {Delivery} */ d) => (d.status === "pending" && d.attempts > 0) || d.status === "failed";

/** JSON as people read it: indented; anything else as it came. */
function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A block of text that may be long: it scrolls, and can be reached by keyboard to scroll it. */
function TextBlock({ text, label }) {
  return html`<pre class="text-block" tabindex="0" aria-label=${label}><code class="text-block-code">${text}</code></pre>`;
}

/** @param {{ attempt: Attempt }} props */
function AttemptStatus({ attempt: a }) {
  const ok = a.status_code !== null && a.status_code >= 200 && a.status_code < 300;
  return html`<span class=${ok ? "http-ok" : "http-bad"}>${a.status_code !== null ? `HTTP ${a.status_code}` : "no answer"}</span>
    ${a.error && a.error !== `HTTP ${a.status_code}` ? html`<span> · ${a.error}</span>` : null}
    <span class="muted small"> · ${a.duration_ms} ms</span>`;
}

/** The receiver's answer as kept: its start, said to be cut when it was. */
function Answer({ attempt: a, label }) {
  if (a.response_excerpt === null) return html`<p class="muted small">No answer body.</p>`;
  return html`<${TextBlock} text=${a.response_excerpt} label=${label} />
    ${a.response_excerpt.length >= EXCERPT_CHARS ? html`<p class="muted small">The first ${EXCERPT_CHARS} characters of the answer.</p>` : null}`;
}

/** @param {{ attempt: Attempt }} props */
function AttemptItem({ attempt: a }) {
  return html`<li class="attempt">
    <div class="attempt-head">
      <strong>Attempt ${a.attempt}</strong>
      <span class="muted small"><${Stamp} iso=${a.attempted_at} /></span>
      <span><${AttemptStatus} attempt=${a} /></span>
    </div>
    <${Answer} attempt=${a} label=${`Answer to attempt ${a.attempt}`} />
  </li>`;
}

/**
 * "Retry now": the delivery's next attempt, made at once; says how it went and reports it so the
 * endpoint and its deliveries are read again.
 * @param {{ endpointId: string, delivery: Delivery, onDone: (result: AttemptResult | null) => void, small?: boolean }} props
 */
export function RetryNow({ endpointId, delivery, onDone, small = true }) {
  const { api, notify } = useApp();
  const action = useAction(async () => {
    const result = await api.post(path("/v1/webhooks/{id}/deliveries/{delivery_id}/retry", { id: endpointId, delivery_id: delivery.id }));
    const a = result.attempt;
    notify(
      result.succeeded
        ? `Delivered: HTTP ${a.status_code} in ${a.duration_ms} ms.`
        : `Still failing: ${a.status_code !== null ? `HTTP ${a.status_code}` : a.error}.${
            result.delivery.next_attempt_at ? ` Next retry ${when(result.delivery.next_attempt_at)}.` : " No more retries: it stays failed."
          }`,
    );
    onDone(result);
  });
  return html`<${Button} class=${small ? "btn-small" : undefined} busy=${action.busy} onClick=${action.run}>
      Retry now<span class="sr-only"> delivery ${delivery.id}</span>
    <//>
    ${action.error ? html`<div class="inline-error"><${ErrorNote} error=${action.error} /></div>` : null}`;
}

/**
 * The payload and response viewer: a dialog with the delivery as sent and each attempt as answered.
 * @param {{ endpointId: string, delivery: Delivery, onChanged: () => void }} props
 */
export function ViewDelivery({ endpointId, delivery, onChanged }) {
  const { api, can } = useApp();
  const [open, setOpen] = useState(false);
  const [tick, setTick] = useState(0);
  const detail = useLoad(
    () => (open ? api.get(path("/v1/webhooks/{id}/deliveries/{delivery_id}", { id: endpointId, delivery_id: delivery.id })) : Promise.resolve(null)),
    [open, tick],
  );
  const d = detail.data;
  return html`<${Button} class="btn-small" onClick=${() => setOpen(true)}>View<span class="sr-only"> delivery ${delivery.id}</span><//>
    <${Modal} title=${`Delivery of ${delivery.event_type ?? "an event"}`} open=${open} onClose=${() => setOpen(false)} wide>
      <${ErrorNote} error=${detail.error} />
      ${!d ? html`<p class="muted" aria-busy="true">Loading…</p>` : null}
      ${
        d
          ? html`<dl class="props delivery-props">
              <dt>Delivery</dt>
              <dd><${Id} value=${d.id} /></dd>
              <dt>webhook-id</dt>
              <dd><${Id} value=${d.event_id} /></dd>
              <dt>State</dt>
              <dd>
                <span class=${`badge badge-${d.status}`}>${deliveryState(d)}</span>${" "}
                <span class="muted small">
                  ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}
                  ${d.status === "pending" && d.next_attempt_at ? ` · next ${when(d.next_attempt_at)}` : null}
                  ${d.delivered_at ? ` · delivered ${when(d.delivered_at)}` : null}
                </span>
              </dd>
            </dl>
            ${
              can("webhooks:write") && retryable(d)
                ? html`<div class="form-actions viewer-actions"><${RetryNow} endpointId=${endpointId} delivery=${d} small=${false} onDone=${() => {
                    setTick((t) => t + 1);
                    onChanged();
                  }} /></div>`
                : null
            }
            <h3>Payload</h3>
            <p class="muted small">The exact body every attempt sends, signed with the endpoint's secret (shown indented).</p>
            <${TextBlock} text=${pretty(d.payload)} label="Payload" />
            <h3>Attempts</h3>
            ${
              d.attempt_history.length === 0
                ? html`<p class="muted">Not attempted yet.</p>`
                : html`<ol class="attempts" reversed>
                    ${[...d.attempt_history].reverse().map((a) => html`<${AttemptItem} key=${a.attempt} attempt=${a} />`)}
                  </ol>`
            }`
          : null
      }
      <div class="form-actions"><${Button} kind="primary" onClick=${() => setOpen(false)}>Close<//></div>
    <//>`;
}

/**
 * "Send test event": a `webhook.test` event to this endpoint only, at once; the dialog shows how
 * the receiver answered. Closing it after a send reads the endpoint and its deliveries again.
 * @param {{ endpointId: string, onSent: () => void }} props
 */
export function SendTest({ endpointId, onSent }) {
  const { api } = useApp();
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState(/** @type {AttemptResult | null} */ (null));
  const action = useAction(async () => setResult(await api.post(path("/v1/webhooks/{id}/test", { id: endpointId }))));
  const start = () => {
    action.clear();
    setResult(null);
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    if (result) onSent();
  };
  const a = result?.attempt;
  return html`<${Button} onClick=${start}>Send test event<//>
    <${Modal} title="Send a test event" open=${open} onClose=${close} wide>
      <p>
        Sends one <code>webhook.test</code> event to this endpoint only, now, signed like every delivery. It is listed with the deliveries and is not
        retried.
      </p>
      ${
        a && result
          ? html`<div class=${`test-outcome ${result.succeeded ? "test-ok" : "test-bad"}`} role="status">
              <p>
                <span class=${`badge ${result.succeeded ? "badge-succeeded" : "badge-failed"}`}
                  ><span aria-hidden="true">${result.succeeded ? "✓ " : "✕ "}</span>${result.succeeded ? "delivered" : "failed"}</span
                >${" "}
                <${AttemptStatus} attempt=${a} />
              </p>
              <p class="muted small">Delivery <${Id} value=${result.delivery.id} /> · webhook-id <${Id} value=${result.delivery.event_id} /></p>
              <h3>Answer</h3>
              <${Answer} attempt=${a} label="Answer to the test event" />
            </div>`
          : null
      }
      <${ErrorNote} error=${action.error} />
      <div class="form-actions">
        <${Button} onClick=${close}>${result ? "Done" : "Cancel"}<//>
        <${Button} kind="primary" busy=${action.busy} onClick=${action.run}>${result ? "Send again" : "Send test event"}<//>
      </div>
    <//>`;
}
