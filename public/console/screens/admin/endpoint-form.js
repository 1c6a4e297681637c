// The form that registers or changes a webhook endpoint: its URL, its events, enabled or not.

import { EVENT_READ_PERMISSION } from "../../lib/contract.js";
import { html, useState } from "../../lib/html.js";
import { Button, ErrorNote, Field } from "../../lib/ui.js";
import { useOwnPermissions } from "./common.js";
import { EventPicker } from "./events.js";

/**
 * The form's values: `events.all` sends an empty `event_types` (every event, including later ones).
 * @typedef {{ url: string, events: { all: boolean, types: import("./events.js").EventType[] }, enabled: boolean }} EndpointValues
 */

/**
 * What a new endpoint starts with: every event when the credential may subscribe to all of them.
 * @returns {EndpointValues["events"]}
 */
export function defaultEvents(own) {
  const all = Object.values(EVENT_READ_PERMISSION).every((p) => own.includes(p));
  return { all, types: [] };
}

/**
 * @param {{ initial: EndpointValues, idPrefix: string, submitLabel: string, busy: boolean, error: any, onSubmit: (values: EndpointValues) => void,
 *   onCancel: () => void }} props
 */
export function EndpointForm({ initial, idPrefix, submitLabel, busy, error, onSubmit, onCancel }) {
  const own = useOwnPermissions();
  const [url, setUrl] = useState(initial.url);
  const [events, setEvents] = useState(initial.events);
  const [enabled, setEnabled] = useState(initial.enabled);
  const [problem, setProblem] = useState(null);
  const submit = (e) => {
    e.preventDefault();
    // An empty list means every event to the API: "none checked" must not become "all" by accident.
    if (!events.all && events.types.length === 0) {
      setProblem({ message: "Check at least one event, or choose every event type." });
      return;
    }
    setProblem(null);
    onSubmit({ url: url.trim(), events, enabled });
  };
  return html`<form onSubmit=${submit}>
    <${Field} label="URL" id=${`${idPrefix}-url`} hint="https on the default port. Private, loopback and link-local addresses are refused.">
      <input
        id=${`${idPrefix}-url`}
        type="url"
        required
        maxlength="2048"
        placeholder="https://example.com/hooks/licenses"
        autocomplete="off"
        spellcheck=${false}
        value=${url}
        onInput=${(e) => setUrl(e.currentTarget.value)}
      />
    <//>
    <${EventPicker} own=${own} value=${events} onChange=${setEvents} idPrefix=${`${idPrefix}-event`} />
    <label class="check-line" for=${`${idPrefix}-enabled`}>
      <input type="checkbox" id=${`${idPrefix}-enabled`} checked=${enabled} onChange=${(e) => setEnabled(e.currentTarget.checked)} />
      Enabled: send events to this endpoint
    </label>
    <${ErrorNote} error=${problem ?? error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${busy}>${submitLabel}<//>
    </div>
  </form>`;
}
