// Whom a license is for, in the license forms: no customer, an existing one found by search (name,
// email, company, id or external id), or a new one typed in place, created just before the
// license. Without customers:read the picker takes a customer id; without customers:write it
// offers no new customer.
import { html, useEffect, useState } from "../../lib/html.js";
import { ErrorNote, Field, useApp, useLoad } from "../../lib/ui.js";
import { customerName } from "../customers/common.js";
import { CustomerFields, createBody, emptyCustomerForm } from "../customers/form.js";

/** @typedef {import("../../lib/api.js").Schema<"Customer">} Customer */
/**
 * What the seller chose: `picked` for "existing" (or the id typed without customers:read), `form` for "new".
 * @typedef {{ mode: "none" | "existing" | "new", picked: Pick<Customer, "id"> & Partial<Customer> | null, typed: string, form: ReturnType<typeof emptyCustomerForm> }} CustomerChoice
 */

/** @param {Pick<Customer, "id"> & Partial<Customer> | null} customer @returns {CustomerChoice} */
export const customerChoice = (customer = null) => ({
  mode: customer ? "existing" : "none",
  picked: customer,
  typed: customer?.id ?? "",
  form: emptyCustomerForm(),
});

/**
 * The customer id the license gets: null for none, a new customer's id after creating it (once:
 * `made` remembers it, so a license refused after the customer was created does not make another).
 * Throws the API's error, or returns `{ problem }` for something to fix in the form.
 * @param {import("../../lib/api.js").Api} api
 * @param {CustomerChoice} choice
 * @param {{ current: Customer | null }} made
 * @returns {Promise<{ id: string | null, problem?: string }>}
 */
export async function chosenCustomerId(api, choice, made) {
  if (choice.mode === "none") return { id: null };
  if (choice.mode === "existing") {
    const id = choice.picked?.id ?? choice.typed.trim();
    return id ? { id } : { id: null, problem: "Choose a customer from the search results, or pick No customer." };
  }
  if (made.current) return { id: made.current.id };
  const { body, problem } = createBody(choice.form);
  if (problem) return { id: null, problem };
  made.current = await api.post("/v1/customers", body);
  return { id: made.current.id };
}

/** Search results as radio buttons: one tab stop, arrows move, each names the customer. */
function Results({ query, picked, onPick }) {
  const { api } = useApp();
  const [debounced, setDebounced] = useState(query);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [query]);
  const found = useLoad(() => api.get("/v1/customers", { limit: 6, q: debounced || undefined }), [debounced]);
  // An erased customer has no name or email left to license to.
  const rows = (found.data?.data ?? []).filter((c) => !c.erased_at);
  return html`<fieldset class="cust-results" aria-busy=${found.loading ? "true" : "false"}>
    <legend>${debounced ? "Matching customers" : "Newest customers"}</legend>
    <${ErrorNote} error=${found.error} />
    ${!found.loading && rows.length === 0 ? html`<p class="muted small">No customer matches. Create one with New customer.</p>` : null}
    ${rows.map(
      (c) => html`<label key=${c.id} for=${`pick-${c.id}`}>
        <input type="radio" id=${`pick-${c.id}`} name="license-customer-pick" checked=${picked?.id === c.id} onChange=${() => onPick(c)} />
        <span>${customerName(c)}${c.email ? html` <span class="muted small">${c.email}</span>` : null}</span>
      </label>`,
    )}
  </fieldset>`;
}

/**
 * @param {{ value: CustomerChoice, onChange: (choice: CustomerChoice) => void, problem?: string | null }} props
 */
export function CustomerPicker({ value, onChange, problem = null }) {
  const { can } = useApp();
  const reads = can("customers:read");
  const writes = can("customers:write");
  const [query, setQuery] = useState("");
  const set = (changes) => onChange({ ...value, ...changes });
  const modes = /** @type {[CustomerChoice["mode"], string][]} */ ([
    ["none", "No customer"],
    ["existing", "Existing customer"],
    ...(writes ? [["new", "New customer"]] : []),
  ]);
  return html`<fieldset class="lic-fieldset cust-picker">
    <legend>Customer</legend>
    <div class="cust-modes">
      ${modes.map(
        ([mode, label]) => html`<label key=${mode} for=${`license-customer-${mode}`}>
          <input type="radio" id=${`license-customer-${mode}`} name="license-customer-mode" checked=${value.mode === mode} onChange=${() => set({ mode })} />
          ${label}
        </label>`,
      )}
    </div>
    ${
      value.mode === "existing"
        ? reads
          ? html`${
              value.picked?.name !== undefined
                ? html`<p class="cust-picked">Chosen: <strong>${customerName(/** @type {Customer} */ (value.picked))}</strong> ${value.picked.email ? html`<span class="muted small">${value.picked.email}</span>` : null}</p>`
                : null
            }
              <${Field} id="license-customer-q" label="Find a customer" hint="Name, email, company, id or external id.">
                <input id="license-customer-q" type="search" maxlength="200" autocomplete="off" value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} />
              <//>
              <${Results} query=${query} picked=${value.picked} onPick=${(c) => set({ picked: c })} />`
          : html`<${Field} id="license-customer-id" label="Customer id" hint="Your key cannot read customers: type the id.">
              <input id="license-customer-id" placeholder="cust_…" value=${value.typed} onInput=${(e) => set({ typed: e.currentTarget.value, picked: null })} />
            <//>`
        : null
    }
    ${
      value.mode === "new"
        ? html`<${CustomerFields} form=${value.form} set=${(key, v) => set({ form: { ...value.form, [key]: v } })} idPrefix="license-customer-new" short />`
        : null
    }
    ${problem ? html`<p class="lic-field-error" role="alert">${problem}</p>` : null}
  </fieldset>`;
}
