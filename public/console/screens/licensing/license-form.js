// The license forms: issue a license (the answer holds its key, shown here once and kept in this
// component's state only, so neither a reload nor a later visit can show it again), and change
// an existing one (only the fields that changed are sent).
import { path } from "../../lib/api.js";
import { html, useRef, useState } from "../../lib/html.js";
import { href } from "../../lib/router.js";
import { Button, ErrorNote, Field, Id, SecretOnce, useAction, useApp } from "../../lib/ui.js";
import { customerName } from "../customers/common.js";
import { FieldError, fromLocalInput, metadataText, parseMetadata, seatFigure, seatWords, splitList, toLocalInput } from "./common.js";
import { CustomerPicker, chosenCustomerId, customerChoice } from "./customer-picker.js";

const DAY_MS = 86_400_000;

/** @typedef {import("../../lib/api.js").Schema<"License">} License */
/** @typedef {import("../../lib/api.js").Schema<"Policy">} Policy */
/** @typedef {import("./common.js").Catalog} Catalog */

/** Expiry choices at creation; "date" shows a date input. Trials are usually 7, 14 or 30 days. */
const EXPIRES = {
  never: { label: "Never" },
  d7: { label: "In 7 days", days: 7 },
  d14: { label: "In 14 days", days: 14 },
  d30: { label: "In 30 days", days: 30 },
  y1: { label: "In 1 year", days: 365 },
  date: { label: "On a date…" },
};

/**
 * @param {Policy} policy
 * @param {Catalog} catalog
 */
function policyLabel(policy, catalog) {
  const app = policy.application_id ? (catalog.application(policy.application_id)?.name ?? policy.application_id) : "any application";
  const seatsText = policy.max_activations === null ? "unlimited seats" : `${policy.max_activations} seat${policy.max_activations === 1 ? "" : "s"}`;
  return `${policy.name} (${app}, ${seatsText}, ${policy.binding_mode} binding)`;
}

/**
 * A policy select, or an id input when the credential cannot read policies.
 * @param {{ id: string, value: string, onChange: (id: string) => void, catalog: Catalog, policies: Policy[] }} props
 */
function PolicyPicker({ id, value, onChange, catalog, policies }) {
  if (!catalog.policies) {
    return html`<input id=${id} required placeholder="pol_…" value=${value} onInput=${(e) => onChange(e.currentTarget.value)} />`;
  }
  return html`<select id=${id} required value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
    <option value="" disabled>Choose a policy</option>
    ${policies.map((p) => html`<option value=${p.id}>${policyLabel(p, catalog)}</option>`)}
  </select>`;
}

/** Plan, features, allowed IPs and metadata: the fields create and edit share. */
function SharedFields({ form, set, showCidrs, metadataProblem }) {
  const text = (key) => (e) => set(key, e.currentTarget.value);
  return html`
    <div class="lic-form-grid">
      <${Field} id="license-plan" label="Plan" hint="A name your app reads from the token's plan claim, e.g. pro. Searchable.">
        <input id="license-plan" maxlength="64" autocomplete="off" placeholder="None" value=${form.plan} onInput=${text("plan")} />
      <//>
      <${Field} id="license-features" label="Features" hint="Flags your app checks (the token's features claim), separated by commas.">
        <input id="license-features" autocomplete="off" placeholder="export, sync" value=${form.features} onInput=${text("features")} />
      <//>
    </div>
    ${
      showCidrs
        ? html`<${Field} id="license-cidrs" label="Allowed IPs" hint="For IP-bound policies: addresses or CIDR blocks (203.0.113.0/24), one per line or comma-separated.">
          <textarea id="license-cidrs" rows="2" value=${form.cidrs} onInput=${text("cidrs")}></textarea>
        <//>`
        : null
    }
    <${Field}
      id="license-metadata"
      label="Metadata (JSON)"
      hint="A JSON object for your own data, such as the customer's email; the license search finds its text. At most 4 levels, 64 keys, 16 KB."
    >
      <textarea
        id="license-metadata"
        rows="4"
        spellcheck="false"
        aria-invalid=${metadataProblem ? "true" : "false"}
        aria-describedby=${metadataProblem ? "license-metadata-problem" : undefined}
        value=${form.metadata}
        onInput=${text("metadata")}
      ></textarea>
      <${FieldError} id="license-metadata-problem" message=${metadataProblem} />
    <//>
  `;
}

/**
 * The key, once, with where to go next.
 * @param {{ license: import("../../lib/api.js").Schema<"CreatedLicense">, onClose: () => void }} props
 */
function Issued({ license, onClose }) {
  return html`<${SecretOnce} label="the license key" secret=${license.key}>
      <p class="muted small">
        License <${Id} value=${license.id} /> · key prefix <code>${license.key_prefix}</code>. Deliver the key to your customer; support can find the license
        by pasting the whole key into the search.
      </p>
    <//>
    <div class="form-actions">
      <a class="btn btn-secondary" href=${href("licenses", license.id)} onClick=${onClose}>Open license</a>
      <${Button} kind="primary" onClick=${onClose}>Done<//>
    </div>`;
}

/**
 * Issues a license, to `customer` when given (else to whom the picker chooses); the list behind
 * reloads at once, the key stays on screen until closed.
 * @param {{ catalog: Catalog, customer?: import("../../lib/api.js").Schema<"Customer"> | null, onCreated: (license: License) => void, onClose: () => void }} props
 */
export function CreateLicenseForm({ catalog, customer = null, onCreated, onClose }) {
  const { api } = useApp();
  const [form, setForm] = useState({ policy: "", application: "", plan: "", features: "", expires: "never", date: "", cidrs: "", metadata: "{}" });
  const [metadataProblem, setMetadataProblem] = useState(null);
  const [choice, setChoice] = useState(customerChoice(customer));
  const [customerProblem, setCustomerProblem] = useState(null);
  // A customer created here before a refused license: the next try uses it rather than another.
  const made = useRef(null);
  const [issued, setIssued] = useState(null);
  const set = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  const policy = catalog.policy(form.policy);
  const fixedApp = policy?.application_id ?? null;

  const create = useAction(async () => {
    const metadata = parseMetadata(form.metadata);
    setMetadataProblem(metadata.error ?? null);
    if (metadata.error) return;
    const owner = await chosenCustomerId(api, choice, made);
    setCustomerProblem(owner.problem ?? null);
    if (owner.problem) return;
    const expiry = EXPIRES[form.expires];
    /** @type {import("../../lib/api.js").Schema<"CreateLicenseRequest">} */
    const body = {
      customer_id: owner.id ?? undefined,
      policy_id: form.policy.trim(),
      application_id: fixedApp ? undefined : form.application.trim() || undefined,
      plan: form.plan.trim() || undefined,
      features: splitList(form.features),
      metadata: metadata.value,
      allowed_cidrs: splitList(form.cidrs),
      expires_at: expiry.days ? new Date(Date.now() + expiry.days * DAY_MS).toISOString() : form.expires === "date" ? fromLocalInput(form.date) : undefined,
    };
    const license = await api.post("/v1/licenses", body);
    setIssued(license);
    onCreated(license);
  });

  if (issued) return html`<${Issued} license=${issued} onClose=${onClose} />`;

  const submit = (e) => {
    e.preventDefault();
    create.run();
  };
  const looksLikeTrial = policy && /trial/i.test(policy.name) && form.expires === "never";
  return html`<form onSubmit=${submit} class="lic-dialog-form">
    <${Field}
      id="license-policy"
      label="Policy"
      hint=${!catalog.loading && catalog.policies?.length === 0 ? "No policies yet: create one under Policies first." : "The rules this license follows: seats, binding, heartbeats."}
    >
      <${PolicyPicker} id="license-policy" value=${form.policy} onChange=${(v) => set("policy", v)} catalog=${catalog} policies=${catalog.policies ?? []} />
    <//>
    <${Field}
      id="license-application"
      label="Application"
      hint=${fixedApp ? "Set by the policy." : "Optional: the product this license is for (its tokens' aud)."}
    >
      ${
        fixedApp || !catalog.applications
          ? html`<input
            id="license-application"
            placeholder="app_… (optional)"
            disabled=${Boolean(fixedApp)}
            value=${fixedApp ? (catalog.application(fixedApp)?.name ?? fixedApp) : form.application}
            onInput=${(e) => set("application", e.currentTarget.value)}
          />`
          : html`<select id="license-application" value=${form.application} onChange=${(e) => set("application", e.currentTarget.value)}>
            <option value="">None</option>
            ${catalog.applications.map((a) => html`<option value=${a.id}>${a.name}</option>`)}
          </select>`
      }
    <//>
    ${
      customer
        ? html`<p class="cust-picked">For <strong>${customerName(customer)}</strong> ${customer.email ? html`<span class="muted small">${customer.email}</span>` : null}</p>`
        : html`<${CustomerPicker} value=${choice} onChange=${setChoice} problem=${customerProblem} />`
    }
    <div class="lic-form-grid">
      <${Field}
        id="license-expires"
        label="Expires"
        hint=${looksLikeTrial ? "A trial ends at its license's expiry: pick one." : "After this the license validates as EXPIRED until renewed."}
      >
        <select id="license-expires" value=${form.expires} onChange=${(e) => set("expires", e.currentTarget.value)}>
          ${Object.entries(EXPIRES).map(([key, e]) => html`<option value=${key}>${e.label}</option>`)}
        </select>
      <//>
      ${
        form.expires === "date"
          ? html`<${Field} id="license-expires-at" label="Expiry date" hint="In your time zone.">
            <input id="license-expires-at" type="datetime-local" required value=${form.date} onInput=${(e) => set("date", e.currentTarget.value)} />
          <//>`
          : null
      }
    </div>
    <${SharedFields} form=${form} set=${set} showCidrs=${!catalog.policies || policy?.binding_mode === "ip"} metadataProblem=${metadataProblem} />
    <${ErrorNote} error=${create.error} />
    <div class="form-actions">
      <${Button} onClick=${onClose}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${create.busy}>Create license<//>
    </div>
  </form>`;
}

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Changes plan, features, expiry, allowed IPs, metadata, policy or customer; sends only what changed.
 * `customer` is the license's customer as far as it is known (its id at least), or null.
 * @param {{ license: License, customer: import("./customer-picker.js").CustomerChoice["picked"], catalog: Catalog, onSaved: (saved: License | null) => void, onCancel: () => void }} props
 */
export function EditLicenseForm({ license: shown, customer, catalog, onSaved, onCancel }) {
  const { api } = useApp();
  const [choice, setChoice] = useState(customerChoice(customer));
  const [customerProblem, setCustomerProblem] = useState(null);
  const made = useRef(null);
  // Changes are what the seller edited from what the form showed, even if the license reloads meanwhile.
  const [license] = useState(shown);
  const [form, setForm] = useState({
    policy: license.policy_id,
    plan: license.plan ?? "",
    features: license.features.join(", "),
    date: toLocalInput(license.expires_at),
    cidrs: license.allowed_cidrs.join("\n"),
    metadata: metadataText(license.metadata),
  });
  const [metadataProblem, setMetadataProblem] = useState(null);
  const set = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  const policy = catalog.policy(form.policy);
  // A license may only move to a policy of its own application, or to one for any application.
  const policies = (catalog.policies ?? []).filter((p) => !p.application_id || p.application_id === license.application_id);

  const save = useAction(async () => {
    const metadata = parseMetadata(form.metadata);
    setMetadataProblem(metadata.error ?? null);
    if (metadata.error) return;
    /** @type {import("../../lib/api.js").Schema<"UpdateLicenseRequest">} */
    const changes = {};
    if (form.policy.trim() !== license.policy_id) changes.policy_id = form.policy.trim();
    const plan = form.plan.trim() || null;
    if (plan !== license.plan) changes.plan = plan;
    const features = splitList(form.features);
    if (!sameList(features, license.features)) changes.features = features;
    // Compared at the minute the input shows, so an untouched expiry is not rewritten.
    if (form.date !== toLocalInput(license.expires_at)) changes.expires_at = fromLocalInput(form.date);
    const cidrs = splitList(form.cidrs);
    if (!sameList(cidrs, license.allowed_cidrs)) changes.allowed_cidrs = cidrs;
    if (JSON.stringify(metadata.value) !== JSON.stringify(license.metadata)) changes.metadata = metadata.value;
    const owner = await chosenCustomerId(api, choice, made);
    setCustomerProblem(owner.problem ?? null);
    if (owner.problem) return;
    if (owner.id !== license.customer_id) changes.customer_id = owner.id;
    const saved = Object.keys(changes).length ? await api.patch(path("/v1/licenses/{id}", { id: license.id }), changes) : null;
    onSaved(saved);
  });
  const submit = (e) => {
    e.preventDefault();
    save.run();
  };

  return html`<form onSubmit=${submit} class="lic-dialog-form">
    <${Field}
      id="license-edit-policy"
      label="Policy"
      hint=${`Moving to another policy applies its rules from the next call. Seats in use: ${seatWords(seatFigure(license.activation_count, form.policy, catalog))}.`}
    >
      <${PolicyPicker} id="license-edit-policy" value=${form.policy} onChange=${(v) => set("policy", v)} catalog=${catalog} policies=${policies} />
    <//>
    <${CustomerPicker} value=${choice} onChange=${setChoice} problem=${customerProblem} />
    <${Field}
      id="license-edit-expires"
      label="Expires"
      hint="In your time zone; empty: never expires. To extend a license, Renew is the usual way (it also re-arms the expiry notification)."
    >
      <input id="license-edit-expires" type="datetime-local" value=${form.date} onInput=${(e) => set("date", e.currentTarget.value)} />
    <//>
    <${SharedFields}
      form=${form}
      set=${set}
      showCidrs=${!catalog.policies || policy?.binding_mode === "ip" || license.allowed_cidrs.length > 0}
      metadataProblem=${metadataProblem}
    />
    <${ErrorNote} error=${save.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${save.busy}>Save changes<//>
    </div>
  </form>`;
}
