// Webhook event subscriptions. A subscriber receives the resources themselves, so subscribing to
// an event needs the permission to read its data (src/contract/events.ts), and "every event"
// needs all of those permissions: the picker offers only what the API would accept.

import { EVENT_READ_PERMISSION } from "../../lib/contract.js";
import { html } from "../../lib/html.js";

/** @typedef {import("../../lib/api.js").Schema<"WebhookEndpoint">["event_types"][number]} EventType */

/** Object.keys says string[]; test/static/console.test.ts keeps these keys equal to the service's event types. */
export const EVENT_TYPES = /** @type {EventType[]} */ (Object.keys(EVENT_READ_PERMISSION));
const ALL_READS = [...new Set(Object.values(EVENT_READ_PERMISSION))];

/** An endpoint's subscription in words: an empty list is every event, including ones added later. */
export function EventSummary({ types }) {
  if (types.length === 0) return html`<span class="perm-all">Every event</span>`;
  if (types.length <= 3) {
    return html`<ul class="perm-chips">
      ${types.map((t) => html`<li key=${t}><code>${t}</code></li>`)}
    </ul>`;
  }
  return html`<details class="perm-more">
    <summary>${types.length} events</summary>
    <ul class="perm-chips">
      ${types.map((t) => html`<li key=${t}><code>${t}</code></li>`)}
    </ul>
  </details>`;
}

/**
 * `value` is `{ all: boolean, types: string[] }`; `all` sends an empty `event_types`.
 * Events the credential may not read are left out and named, except ones already subscribed,
 * which stay visible (checked, fixed) so an edit does not drop them silently.
 */
export function EventPicker({ own, value, onChange, idPrefix }) {
  const allowed = (type) => own.includes(EVENT_READ_PERMISSION[type]);
  const missingForAll = ALL_READS.filter((p) => !own.includes(p));
  const shown = EVENT_TYPES.filter((t) => allowed(t) || value.types.includes(t));
  const hidden = EVENT_TYPES.filter((t) => !shown.includes(t));
  const toggle = (type, on) => onChange({ all: false, types: EVENT_TYPES.filter((t) => (t === type ? on : value.types.includes(t))) });
  return html`<fieldset class="event-picker">
    <legend>Events</legend>
    <div class="radios">
      <label for=${`${idPrefix}-all`}>
        <input
          type="radio"
          id=${`${idPrefix}-all`}
          name=${`${idPrefix}-mode`}
          checked=${value.all}
          disabled=${missingForAll.length > 0}
          onChange=${() => onChange({ all: true, types: [] })}
        />
        Every event type, including ones added later
      </label>
      ${missingForAll.length > 0 ? html`<small class="muted">Needs ${ALL_READS.join(", ")}; this credential lacks ${missingForAll.join(", ")}.</small>` : null}
      <label for=${`${idPrefix}-some`}>
        <input type="radio" id=${`${idPrefix}-some`} name=${`${idPrefix}-mode`} checked=${!value.all} onChange=${() => onChange({ all: false, types: value.types })} />
        Only the events checked below
      </label>
    </div>
    <div class="checks" aria-disabled=${value.all ? "true" : "false"}>
      ${shown.map(
        (t) => html`<label key=${t} for=${`${idPrefix}-${t}`}>
          <input
            type="checkbox"
            id=${`${idPrefix}-${t}`}
            checked=${value.all || value.types.includes(t)}
            disabled=${value.all || !allowed(t)}
            onChange=${(e) => toggle(t, e.currentTarget.checked)}
          />
          <span class="perm-name">${t}</span>
        </label>`,
      )}
    </div>
    ${
      hidden.length > 0
        ? html`<small class="muted">
          Not offered, because subscribing needs the permission to read their data: ${hidden.map((t) => `${t} (${EVENT_READ_PERMISSION[t]})`).join(", ")}.
        </small>`
        : null
    }
  </fieldset>`;
}
