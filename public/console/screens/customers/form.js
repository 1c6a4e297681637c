// The customer form: create one (name, email, company, country, external ids), or change one, in
// which case only what changed is sent and an external id whose line was removed is sent as null
// (the API's way to remove it).
import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ErrorNote, Field, useAction, useApp } from "../../lib/ui.js";
import { FieldError } from "../licensing/common.js";
import { countryName, externalIdsText, parseExternalIds } from "./common.js";

/** @typedef {import("../../lib/api.js").Schema<"Customer">} Customer */

/**
 * The fields as typed; `idPrefix` keeps ids unique where two forms could share a page (the new
 * license dialog creates a customer inline).
 * @param {{ form: Record<string, string>, set: (key: string, value: string) => void, idPrefix: string, idsProblem?: string | null, short?: boolean }} props
 */
export function CustomerFields({ form, set, idPrefix, idsProblem = null, short = false }) {
  const text = (key) => (e) => set(key, e.currentTarget.value);
  const country = form.country.trim().toUpperCase();
  const countryHint = /^[A-Z]{2}$/.test(country) && countryName(country) !== country ? countryName(country) : "Two letters (ISO 3166-1), e.g. DE or US.";
  return html`
    <div class="lic-form-grid">
      <${Field} id=${`${idPrefix}-name`} label="Name" hint="A company's or a person's name.">
        <input id=${`${idPrefix}-name`} required maxlength="200" autocomplete="off" value=${form.name} onInput=${text("name")} />
      <//>
      <${Field} id=${`${idPrefix}-email`} label="Email" hint="Where license mail goes.">
        <input id=${`${idPrefix}-email`} type="email" required maxlength="320" autocomplete="off" value=${form.email} onInput=${text("email")} />
      <//>
    </div>
    ${
      short
        ? null
        : html`<div class="lic-form-grid">
            <${Field} id=${`${idPrefix}-company`} label="Company" hint="Optional.">
              <input id=${`${idPrefix}-company`} maxlength="200" autocomplete="off" value=${form.company} onInput=${text("company")} />
            <//>
            <${Field} id=${`${idPrefix}-country`} label="Country" hint=${countryHint}>
              <input
                id=${`${idPrefix}-country`}
                maxlength="2"
                pattern="[A-Za-z]{2}"
                autocomplete="off"
                class="cust-country-input"
                value=${form.country}
                onInput=${text("country")}
              />
            <//>
          </div>
          <${Field}
            id=${`${idPrefix}-external`}
            label="External ids"
            hint='Its ids in other systems, one "provider: id" per line, e.g. "stripe: cus_123". Searchable; unique per provider.'
          >
            <textarea
              id=${`${idPrefix}-external`}
              rows="2"
              spellcheck="false"
              aria-invalid=${idsProblem ? "true" : "false"}
              aria-describedby=${idsProblem ? `${idPrefix}-external-problem` : undefined}
              value=${form.external}
              onInput=${text("external")}
            ></textarea>
            <${FieldError} id=${`${idPrefix}-external-problem`} message=${idsProblem} />
          <//>`
    }
  `;
}

/** @param {Customer | null} c */
export const emptyCustomerForm = (c = null) => ({
  name: c?.name ?? "",
  email: c?.email ?? "",
  company: c?.company ?? "",
  country: c?.country ?? "",
  external: c ? externalIdsText(c.external_ids) : "",
});

/**
 * The body of POST /v1/customers from the form, or `{ problem }` for the external ids.
 * @param {ReturnType<typeof emptyCustomerForm>} form
 */
export function createBody(form) {
  const ids = parseExternalIds(form.external);
  if (ids.error) return { problem: ids.error };
  /** @type {import("../../lib/api.js").Schema<"CreateCustomerRequest">} */
  const body = { name: form.name.trim(), email: form.email.trim() };
  if (form.company.trim()) body.company = form.company.trim();
  if (form.country.trim()) body.country = form.country.trim().toUpperCase();
  if (Object.keys(ids.value).length) body.external_ids = ids.value;
  return { body };
}

/**
 * Creates a customer (`customer` null) or saves changes to one.
 * @param {{ customer: Customer | null, onSaved: (saved: Customer | null) => void, onCancel: () => void }} props
 */
export function CustomerForm({ customer, onSaved, onCancel }) {
  const { api } = useApp();
  const [form, setForm] = useState(emptyCustomerForm(customer));
  const [idsProblem, setIdsProblem] = useState(null);
  const set = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  const save = useAction(async () => {
    if (!customer) {
      const made = createBody(form);
      setIdsProblem(made.problem ?? null);
      if (made.body) onSaved(await api.post("/v1/customers", made.body));
      return;
    }
    const ids = parseExternalIds(form.external);
    setIdsProblem(ids.error ?? null);
    if (ids.error) return;
    /** @type {import("../../lib/api.js").Schema<"UpdateCustomerRequest">} */
    const changes = {};
    if (form.name.trim() !== (customer.name ?? "")) changes.name = form.name.trim();
    if (form.email.trim() !== (customer.email ?? "")) changes.email = form.email.trim();
    const company = form.company.trim() || null;
    if (company !== customer.company) changes.company = company;
    const country = form.country.trim().toUpperCase() || null;
    if (country !== customer.country) changes.country = country;
    /** @type {Record<string, string | null>} */
    const external = {};
    for (const [provider, id] of Object.entries(ids.value)) if (customer.external_ids[provider] !== id) external[provider] = id;
    for (const provider of Object.keys(customer.external_ids)) if (!(provider in ids.value)) external[provider] = null;
    if (Object.keys(external).length) changes.external_ids = external;
    onSaved(Object.keys(changes).length ? await api.patch(path("/v1/customers/{id}", { id: customer.id }), changes) : null);
  });
  const submit = (e) => {
    e.preventDefault();
    save.run();
  };
  return html`<form onSubmit=${submit} class="lic-dialog-form">
    <${CustomerFields} form=${form} set=${set} idPrefix=${customer ? "customer-edit" : "customer-new"} idsProblem=${idsProblem} />
    <${ErrorNote} error=${save.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${save.busy}>${customer ? "Save changes" : "Create customer"}<//>
    </div>
  </form>`;
}
