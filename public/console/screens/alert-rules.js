// The tenant's threshold alerts (GET/PUT /v1/metrics/alert-rules): what fires a
// `metrics.threshold_crossed` webhook, shown on the overview and editable with metrics:write.
import { path } from "../lib/api.js";
import { html, useState } from "../lib/html.js";
import { Button, ErrorNote, Field, Modal, Time, useAction, useApp, useLoad } from "../lib/ui.js";

/** @typedef {import("../lib/api.js").Schema<"AlertRule">} AlertRule */

/**
 * @type {Record<AlertRule["kind"], {
 *   title: string, describe: (rule: AlertRule) => string, thresholdLabel: string, toForm: (threshold: number) => string, fromForm: (value: string) => number,
 * }>}
 */
const KINDS = {
  validation_failure_rate: {
    title: "Validation failure rate",
    describe: (r) => `More than ${Math.round(r.threshold * 1000) / 10}% of at least ${r.min_events} validations in 15 minutes not VALID`,
    thresholdLabel: "Failure rate (%)",
    toForm: (t) => String(Math.round(t * 1000) / 10),
    fromForm: (v) => Number(v) / 100,
  },
  auth_failures_per_minute: {
    title: "Failed authentications",
    describe: (r) => `More than ${r.threshold} a minute over 15 minutes (at least ${r.min_events} in all)`,
    thresholdLabel: "Failures per minute",
    toForm: (t) => String(t),
    fromForm: (v) => Number(v),
  },
};

/** @param {{ rule: AlertRule, onSaved: () => void, onClose: () => void }} props */
function EditRule({ rule, onSaved, onClose }) {
  const { api } = useApp();
  const kind = KINDS[rule.kind];
  const [threshold, setThreshold] = useState(kind.toForm(rule.threshold));
  const [minEvents, setMinEvents] = useState(String(rule.min_events));
  const [enabled, setEnabled] = useState(rule.enabled);
  const save = useAction(async () => {
    await api.put(path("/v1/metrics/alert-rules/{kind}", { kind: rule.kind }), { threshold: kind.fromForm(threshold), min_events: Number(minEvents), enabled });
    onSaved();
  });
  const submit = (e) => {
    e.preventDefault();
    save.run();
  };
  return html`<form onSubmit=${submit}>
    <${Field} id="rule-threshold" label=${kind.thresholdLabel}>
      <input id="rule-threshold" type="number" min="0" step="any" required value=${threshold} onInput=${(e) => setThreshold(e.currentTarget.value)} />
    <//>
    <${Field} id="rule-min" label="Minimum events" hint="Fewer events in the window never fire, so one failure is not a 100% failure rate.">
      <input id="rule-min" type="number" min="1" step="1" required value=${minEvents} onInput=${(e) => setMinEvents(e.currentTarget.value)} />
    <//>
    <label class="inline"><input type="checkbox" checked=${enabled} onChange=${(e) => setEnabled(e.currentTarget.checked)} /> Enabled</label>
    <${ErrorNote} error=${save.error} />
    <div class="form-actions">
      <${Button} onClick=${onClose}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${save.busy}>Save rule<//>
    </div>
  </form>`;
}

export function AlertRules() {
  const { api, can, notify } = useApp();
  const rules = useLoad(() => api.get("/v1/metrics/alert-rules"), []);
  const [editing, setEditing] = useState(/** @type {AlertRule | null} */ (null));
  return html`<div class="card">
    <h2>Alerts</h2>
    <p class="muted small">Checked every minute; a crossed rule sends the <code>metrics.threshold_crossed</code> webhook, at most once an hour.</p>
    <${ErrorNote} error=${rules.error} />
    ${
      rules.data
        ? html`<ul class="rules">
          ${rules.data.data.map(
            (rule) => html`<li key=${rule.kind}>
              <div>
                <strong>${KINDS[rule.kind]?.title ?? rule.kind}</strong> ${rule.enabled ? null : html`<span class="badge">off</span>`}
                <div class="muted small">${KINDS[rule.kind]?.describe(rule) ?? ""}</div>
                <div class="muted small">Last fired: ${rule.last_fired_at ? html`<${Time} iso=${rule.last_fired_at} />` : "never"}</div>
              </div>
              ${can("metrics:write") ? html`<${Button} class="btn-small" onClick=${() => setEditing(rule)}>Edit<//>` : null}
            </li>`,
          )}
        </ul>`
        : null
    }
    <${Modal} title=${editing ? `Edit: ${KINDS[editing.kind]?.title ?? editing.kind}` : ""} open=${Boolean(editing)} onClose=${() => setEditing(null)}>
      ${
        editing
          ? html`<${EditRule}
            rule=${editing}
            onClose=${() => setEditing(null)}
            onSaved=${() => {
              setEditing(null);
              rules.reload();
              notify("Alert rule saved.");
            }}
          />`
          : null
      }
    <//>
  </div>`;
}
