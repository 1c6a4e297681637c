// The connector form, for "Connect a provider" and for editing one: provider (fixed once made),
// name, signing secret (typed once, never shown again; on edit a blank one keeps the current),
// mappings, graces in days, enabled. The API is the judge of every value: its 422 `details` are
// shown at the field they name (`mappings.0.policy_id` under the first mapping's policy), and
// focus moves to the first field in error, so a keyboard user lands where the problem is.
import { path } from "../../lib/api.js";
import { html, useEffect, useRef, useState } from "../../lib/html.js";
import { Button, ErrorNote, useAction, useApp } from "../../lib/ui.js";
import { daysText, LabeledField, MAX_GRACE_DAYS, PROVIDER_KEYS, PROVIDERS, secondsOf } from "./common.js";
import { emptyRow, MappingsEditor, mappingsOf, rowOf } from "./mappings.js";

/** @typedef {import("./common.js").Connector} Connector */
/** @typedef {import("./common.js").Provider} Provider */

/** The fields whose details the API names by their own name; anything else stays with the error itself. */
const FIELDS = ["provider", "name", "signing_secret", "renewal_grace_s", "dunning_grace_s", "enabled", "mappings"];

/**
 * The API's details by field (`mappings.2.seats` for a mapping's field, the whole list's under
 * `mappings`), and the error without those, for ErrorNote.
 * @param {any} error
 */
function splitDetails(error) {
  /** @type {Record<string, string[]>} */
  const byField = {};
  const rest = [];
  for (const d of Array.isArray(error?.details) ? error.details : []) {
    const [root, index, field] = String(d.path ?? "").split(".");
    const key = root === "mappings" && index !== undefined && field !== undefined ? `mappings.${index}.${field}` : root;
    if (!FIELDS.includes(root)) rest.push(d);
    else byField[key] = [...(byField[key] ?? []), d.message];
  }
  const left = error ? { message: error.message, code: error.code, requestId: error.requestId, details: rest.length ? rest : undefined } : null;
  return { byField, rest: left };
}

/** The connector's mappings as the form would send them, to tell whether they changed. */
const sentShape = (/** @type {Connector["mappings"]} */ mappings) =>
  mappings.map((m) => ({
    match: m.match,
    policy_id: m.policy_id,
    plan: m.plan,
    features: m.features,
    seats: m.seats,
    seats_from_quantity: m.seats_from_quantity,
    term_days: m.term_days,
  }));

/**
 * @param {{ connector?: Connector, catalog: import("../licensing/common.js").Catalog, idPrefix: string,
 *   onSaved: (connector: Connector) => void, onCancel: () => void }} props
 * Without `connector` it connects a provider; with it, changes that connector (only what changed).
 */
export function ConnectorForm({ connector, catalog, idPrefix, onSaved, onCancel }) {
  const { api } = useApp();
  const creating = !connector;
  const [provider, setProvider] = useState(/** @type {Provider} */ (connector?.provider ?? "stripe"));
  const [name, setName] = useState(connector?.name ?? "");
  const [secret, setSecret] = useState("");
  const [rows, setRows] = useState(() => (connector ? connector.mappings.map(rowOf) : [emptyRow()]));
  const initialGraces = { renewal: daysText(connector?.renewal_grace_s ?? 86_400), dunning: daysText(connector?.dunning_grace_s ?? 259_200) };
  const [renewal, setRenewal] = useState(initialGraces.renewal);
  const [dunning, setDunning] = useState(initialGraces.dunning);
  const [enabled, setEnabled] = useState(connector?.enabled ?? true);
  const [problems, setProblems] = useState(/** @type {Record<string, string[]>} */ ({}));
  const [attempt, setAttempt] = useState(0);
  const form = useRef(null);

  const save = useAction(async (body) => {
    const saved = creating
      ? await api.post("/v1/billing/connectors", body)
      : Object.keys(body).length
        ? await api.patch(path("/v1/billing/connectors/{id}", { id: connector.id }), body)
        : connector;
    onSaved(saved);
    return true;
  });
  const { byField, rest } = splitDetails(save.error);
  const errors = { ...byField, ...problems };

  // After each failed attempt, to the first field in error (its message is read with it).
  useEffect(() => {
    if (attempt) form.current?.querySelector('[aria-invalid="true"]')?.focus();
  }, [attempt, save.error]);

  const submit = async (e) => {
    e.preventDefault();
    const { mappings, problems: found } = mappingsOf(rows);
    const renewalS = secondsOf(renewal);
    const dunningS = secondsOf(dunning);
    const graceProblem = [`Enter a number of days from 0 to ${MAX_GRACE_DAYS}.`];
    if (!name.trim()) found.name = ["Enter a name."];
    if (renewalS === null) found.renewal_grace_s = graceProblem;
    if (dunningS === null) found.dunning_grace_s = graceProblem;
    setProblems(found);
    if (Object.keys(found).length) {
      save.clear();
      setAttempt((n) => n + 1);
      return;
    }
    /** @type {import("../../lib/api.js").Schema<"UpdateBillingConnectorRequest">} */
    const changes = {};
    if (!creating) {
      if (name.trim() !== connector.name) changes.name = name.trim();
      if (secret) changes.signing_secret = secret;
      if (JSON.stringify(mappings) !== JSON.stringify(sentShape(connector.mappings))) changes.mappings = mappings;
      // Compared as typed, so a grace shown rounded (3600 s as "0.042") is not rewritten unless edited.
      if (renewal !== initialGraces.renewal) changes.renewal_grace_s = renewalS;
      if (dunning !== initialGraces.dunning) changes.dunning_grace_s = dunningS;
      if (enabled !== connector.enabled) changes.enabled = enabled;
    }
    const body = creating
      ? { provider, name: name.trim(), ...(secret ? { signing_secret: secret } : {}), mappings, renewal_grace_s: renewalS, dunning_grace_s: dunningS, enabled }
      : changes;
    if (!(await save.run(body))) setAttempt((n) => n + 1);
  };
  // The API's details name mappings by position: once rows come or go they no longer line up.
  const changeRows = (next) => {
    if (next.length !== rows.length) save.clear();
    setRows(next);
  };
  const field =
    (id, value, set, extra = {}) =>
    (describedBy, invalid) =>
      html`<input id=${id} value=${value} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined}
      onInput=${(e) => set(e.currentTarget.value)} ...${extra} />`;
  const days = { type: "number", min: "0", max: String(MAX_GRACE_DAYS), step: "any", inputmode: "decimal", class: "bill-days" };

  return html`<form ref=${form} class="lic-dialog-form bill-form" onSubmit=${submit} noValidate>
    ${
      creating
        ? html`<${LabeledField} id=${`${idPrefix}-provider`} label="Provider" errors=${errors.provider}>
            ${(describedBy, invalid) => html`<select id=${`${idPrefix}-provider`} value=${provider} aria-describedby=${describedBy}
              aria-invalid=${invalid ? "true" : undefined} onChange=${(e) => setProvider(e.currentTarget.value)}>
              ${PROVIDER_KEYS.map((p) => html`<option value=${p}>${PROVIDERS[p].label}</option>`)}
            </select>`}
          <//>`
        : null
    }
    <${LabeledField} id=${`${idPrefix}-name`} label="Name" hint="Yours only, in lists: such as “Stripe live”." errors=${errors.name}>
      ${field(`${idPrefix}-name`, name, setName, { maxLength: 100, autocomplete: "off" })}
    <//>
    <${LabeledField}
      id=${`${idPrefix}-secret`}
      label=${creating ? "Signing secret" : "Rotate signing secret"}
      hint=${creating ? `${PROVIDERS[provider].secret} Stored encrypted; it is never shown again.` : "Blank: keep the current secret. A new one replaces it at once, and is never shown again."}
      errors=${errors.signing_secret}
    >
      ${field(`${idPrefix}-secret`, secret, setSecret, { type: "password", autocomplete: "new-password", spellcheck: false, maxLength: 512 })}
    <//>
    <${MappingsEditor} rows=${rows} onChange=${changeRows} idPrefix=${idPrefix} provider=${provider} catalog=${catalog} errors=${errors} />
    <div class="lic-form-grid bill-graces">
      <${LabeledField}
        id=${`${idPrefix}-renewal`}
        label="Renewal grace (days)"
        hint="Added to every paid period's end, so a renewal that arrives a little late never locks a customer out."
        errors=${errors.renewal_grace_s}
      >
        ${field(`${idPrefix}-renewal`, renewal, setRenewal, days)}
      <//>
      <${LabeledField}
        id=${`${idPrefix}-dunning`}
        label="Dunning grace (days)"
        hint="A failed payment suspends the license this long after it, unless a payment follows."
        errors=${errors.dunning_grace_s}
      >
        ${field(`${idPrefix}-dunning`, dunning, setDunning, days)}
      <//>
    </div>
    <label class="check-line" for=${`${idPrefix}-enabled`}>
      <input type="checkbox" id=${`${idPrefix}-enabled`} checked=${enabled} onChange=${(e) => setEnabled(e.currentTarget.checked)} />
      Enabled: apply deliveries as they arrive (disabled, the endpoint answers 404 and the provider retries later)
    </label>
    <${ErrorNote} error=${rest} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${save.busy}>${creating ? "Connect" : "Save changes"}<//>
    </div>
  </form>`;
}
