// A connector's mappings: which provider id (a price, variant or product) grants what (a policy,
// plan, features, seats, a term for one-time purchases). The editor keeps one row per mapping as
// text, adds and removes rows with focus following, and shows each row's errors at its fields;
// the table shows them on the connector's page.
import { html, useEffect, useRef } from "../../lib/html.js";
import { href } from "../../lib/router.js";
import { Button, Table } from "../../lib/ui.js";
import { PolicyName, splitList } from "../licensing/common.js";
import { LabeledField, PROVIDERS } from "./common.js";

/** @typedef {import("../../lib/api.js").Schema<"BillingMapping">} Mapping */
/** @typedef {import("../../lib/api.js").Schema<"BillingMappingInput">} MappingInput */
/** @typedef {import("../licensing/common.js").Catalog} Catalog */
/**
 * One mapping as the form edits it; `key` stays with the row, so ids and focus survive removals.
 * @typedef {{ key: number, match: string, policy_id: string, plan: string, features: string, seats: string, from_quantity: boolean, term_days: string }} Row
 */

let lastKey = 0;

/** @returns {Row} */
export const emptyRow = (policyId = "") => ({
  key: ++lastKey,
  match: "",
  policy_id: policyId,
  plan: "",
  features: "",
  seats: "",
  from_quantity: false,
  term_days: "",
});

/** @param {Mapping} m @returns {Row} */
export const rowOf = (m) => ({
  key: ++lastKey,
  match: m.match,
  policy_id: m.policy_id,
  plan: m.plan ?? "",
  features: m.features.join(", "),
  seats: m.seats === null ? "" : String(m.seats),
  from_quantity: m.seats_from_quantity,
  term_days: m.term_days === null ? "" : String(m.term_days),
});

/** A count typed as text: null when blank, NaN when not a whole number of at least `min`. */
const countOf = (/** @type {string} */ text, min) => {
  if (text.trim() === "") return null;
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= min ? n : Number.NaN;
};

/**
 * The rows as the API takes them, and what is wrong with them before anything is sent, keyed like
 * the API's details (`mappings.0.policy_id`), so both show at the same field.
 * @param {Row[]} rows
 * @returns {{ mappings: MappingInput[], problems: Record<string, string[]> }}
 */
export function mappingsOf(rows) {
  /** @type {Record<string, string[]>} */
  const problems = {};
  const say = (i, field, message) => {
    problems[`mappings.${i}.${field}`] = [message];
  };
  const mappings = rows.map((r, i) => {
    const seats = countOf(r.seats, 0);
    const term = countOf(r.term_days, 1);
    if (!r.match.trim()) say(i, "match", "Enter the provider's id to match.");
    if (!r.policy_id.trim()) say(i, "policy_id", "Choose the policy a purchase gets.");
    if (Number.isNaN(seats)) say(i, "seats", "Seats must be a whole number of 0 or more, or blank.");
    if (Number.isNaN(term)) say(i, "term_days", "The term must be a whole number of days, 1 or more, or blank.");
    return {
      match: r.match.trim(),
      policy_id: r.policy_id.trim(),
      plan: r.plan.trim() || null,
      features: splitList(r.features),
      seats,
      seats_from_quantity: r.from_quantity,
      term_days: term,
    };
  });
  return { mappings, problems };
}

/** What a row's seats come to, in words, under its fields. */
function seatsWords(/** @type {{ seats: number | null, from_quantity: boolean }} */ { seats, from_quantity }) {
  if (from_quantity) return seats === null || Number.isNaN(seats) ? "Seats: the quantity bought." : `Seats: the quantity bought × ${seats}.`;
  return seats === null || Number.isNaN(seats) ? "Seats: the policy's device limit." : `Seats: ${seats}.`;
}

/**
 * @param {{ row: Row, index: number, idPrefix: string, provider: import("./common.js").Provider, catalog: Catalog,
 *   errors: Record<string, string[]>, onChange: (row: Row) => void, onRemove: () => void }} props
 */
function MappingRow({ row, index, idPrefix, provider, catalog, errors, onChange, onRemove }) {
  const id = (field) => `${idPrefix}-m${row.key}-${field}`;
  const err = (field) => errors[`mappings.${index}.${field}`];
  const set = (field) => (e) => onChange({ ...row, [field]: e.currentTarget.value });
  const n = index + 1;
  const policies = catalog.policies;
  const known = policies?.some((p) => p.id === row.policy_id);
  const input =
    (field, extra = {}) =>
    (describedBy, invalid) =>
      html`<input id=${id(field)} value=${row[field]} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} onInput=${set(field)} ...${extra} />`;
  return html`<fieldset class="bill-mapping">
    <legend>Mapping ${n}</legend>
    <div class="bill-mapping-grid">
      <${LabeledField} id=${id("match")} label="Provider id to match" hint=${PROVIDERS[provider].matchHint} errors=${err("match")}>
        ${input("match", { placeholder: PROVIDERS[provider].match, autocomplete: "off", spellcheck: false, maxLength: 128, "data-first": "" })}
      <//>
      <${LabeledField} id=${id("policy")} label="Policy" hint="The license a purchase gets follows it (and its application)." errors=${err("policy_id")}>
        ${(describedBy, invalid) =>
          policies
            ? html`<select id=${id("policy")} value=${row.policy_id} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} onChange=${set("policy_id")}>
                <option value="">Choose a policy</option>
                ${policies.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
                ${row.policy_id && !known && !catalog.loading ? html`<option value=${row.policy_id}>${row.policy_id} (not found)</option>` : null}
              </select>`
            : html`<input id=${id("policy")} value=${row.policy_id} placeholder="pol_…" autocomplete="off" spellcheck=${false} aria-describedby=${describedBy}
                aria-invalid=${invalid ? "true" : undefined} onInput=${set("policy_id")} />`}
      <//>
      <${LabeledField} id=${id("plan")} label="Plan" hint="Optional: the license's plan, such as pro." errors=${err("plan")}>
        ${input("plan", { autocomplete: "off", maxLength: 100 })}
      <//>
      <${LabeledField} id=${id("features")} label="Features" hint="Optional, comma-separated: export, sso." errors=${err("features")}>
        ${input("features", { autocomplete: "off" })}
      <//>
      <${LabeledField} id=${id("seats")} label="Seats" hint=${seatsWords({ seats: countOf(row.seats, 0), from_quantity: row.from_quantity })} errors=${err("seats")}>
        ${(describedBy, invalid) => html`<div class="bill-seats">
          ${input("seats", { type: "number", min: "0", step: "1", inputmode: "numeric", placeholder: "Policy's" })(describedBy, invalid)}
          <label class="check-line" for=${id("quantity")}>
            <input type="checkbox" id=${id("quantity")} checked=${row.from_quantity} onChange=${(e) => onChange({ ...row, from_quantity: e.currentTarget.checked })} />
            From quantity
          </label>
        </div>`}
      <//>
      <${LabeledField} id=${id("term")} label="Term (days)" hint="One-time purchases only. Blank: forever." errors=${err("term_days")}>
        ${(describedBy, invalid) =>
          html`<input id=${id("term")} type="number" min="1" step="1" inputmode="numeric" placeholder="Forever" value=${row.term_days}
            aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} onInput=${set("term_days")} />`}
      <//>
    </div>
    <div class="bill-mapping-actions">
      <${Button} class="btn-small" onClick=${onRemove}>Remove<span class="sr-only"> mapping ${n}</span><//>
    </div>
  </fieldset>`;
}

/**
 * @param {{ rows: Row[], onChange: (rows: Row[]) => void, idPrefix: string, provider: import("./common.js").Provider, catalog: Catalog,
 *   errors: Record<string, string[]> }} props
 */
export function MappingsEditor({ rows, onChange, idPrefix, provider, catalog, errors }) {
  const box = useRef(null);
  // Where focus goes once the rows change: a new row's first field, or after a removal the row that
  // took its place (else the one before, else "Add a mapping"), so focus never falls to the page.
  const focusNext = useRef(/** @type {string | null} */ (null));
  useEffect(() => {
    if (!focusNext.current) return;
    box.current?.querySelector(focusNext.current)?.focus();
    focusNext.current = null;
  }, [rows]);
  const add = () => {
    const row = emptyRow(catalog.policies?.length === 1 ? catalog.policies[0].id : "");
    focusNext.current = `#${idPrefix}-m${row.key}-match`;
    onChange([...rows, row]);
  };
  const remove = (i) => {
    const next = rows[i + 1] ?? rows[i - 1];
    focusNext.current = next ? `#${idPrefix}-m${next.key}-match` : ".bill-add-mapping";
    onChange(rows.filter((_, j) => j !== i));
  };
  const listError = errors.mappings;
  return html`<section class="bill-mappings" ref=${box} aria-labelledby=${`${idPrefix}-mappings-title`}>
    <h3 id=${`${idPrefix}-mappings-title`}>Mappings</h3>
    <p class="muted small">What each purchase grants. A delivery for an id no mapping names is rejected and logged, and no license is made.</p>
    ${
      catalog.policies?.length === 0 && !catalog.loading
        ? html`<p class="small">No policies yet, and each mapping grants one: <a href=${href("policies")}>create a policy</a> first.</p>`
        : null
    }
    ${rows.map(
      (row, i) => html`<${MappingRow}
        key=${row.key}
        row=${row}
        index=${i}
        idPrefix=${idPrefix}
        provider=${provider}
        catalog=${catalog}
        errors=${errors}
        onChange=${(changed) => onChange(rows.map((r) => (r.key === row.key ? changed : r)))}
        onRemove=${() => remove(i)}
      />`,
    )}
    ${listError ? html`<p class="lic-field-error" role="alert">${listError.join(" ")}</p>` : null}
    <${Button} class="bill-add-mapping" onClick=${add}>Add a mapping<//>
  </section>`;
}

/** @param {{ mappings: Mapping[], catalog: Catalog }} props */
export function MappingsTable({ mappings, catalog }) {
  const dash = html`<span class="muted">—</span>`;
  /** @type {import("../../lib/ui.js").Column<Mapping>[]} */
  const columns = [
    { label: "Matches", render: (m) => html`<code>${m.match}</code>` },
    { label: "Policy", render: (m) => html`<${PolicyName} id=${m.policy_id} catalog=${catalog} />` },
    { label: "Plan", render: (m) => m.plan ?? dash },
    { label: "Features", render: (m) => (m.features.length ? m.features.join(", ") : dash) },
    { label: "Seats", render: (m) => seatsWords({ seats: m.seats, from_quantity: m.seats_from_quantity }).replace(/^Seats: |\.$/g, "") },
    { label: "One-time term", render: (m) => (m.term_days === null ? "forever" : `${m.term_days} days`) },
  ];
  return html`<${Table}
    label="Mappings"
    columns=${columns}
    rows=${mappings}
    rowKey=${(m) => m.match}
    empty="No mappings: every purchase is rejected as unmapped until one is added (Edit)."
  />`;
}
