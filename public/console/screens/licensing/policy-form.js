// The policy form, for create and edit, with presets for the common licensing models. A preset
// only fills the form: every field stays editable, and what is sent is what the form shows.
import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ErrorNote, Field, useAction, useApp } from "../../lib/ui.js";
import { BINDING_HINTS, BINDING_LABELS, DurationInput, FieldError, humanSeconds, joinSeconds, splitSeconds } from "./common.js";
import { ProofField } from "./device-keys.js";

const DAY = 86_400;

/** @typedef {import("../../lib/api.js").Schema<"Policy">} Policy */
/**
 * A policy's rules: what the form edits besides its name and application.
 * @typedef {Omit<Policy, "id" | "application_id" | "name" | "created_at" | "updated_at">} Rules
 */

/**
 * What POST /v1/policies assumes for a field the body leaves out.
 * @type {Rules}
 */
const DEFAULTS = {
  max_activations: null,
  binding_mode: "none",
  heartbeat_interval_s: null,
  heartbeat_grace_s: 0,
  token_tier: "basic",
  max_deactivations: null,
  deactivation_window_s: null,
  bind_on_verify: false,
  proof_of_possession: "none",
  degraded_grace_s: 3600,
  offline_ttl_default_s: 30 * 86_400,
  offline_ttl_max_s: 365 * 86_400,
  allow_perpetual_offline: false,
  offline_outlives_license: false,
  lease_mode: "none",
  max_leases: null,
  max_users: null,
  lease_ttl_s: 600,
  max_borrow_s: 7 * 86_400,
};

/**
 * The models sellers ask for first. Policies have no duration of their own: a trial is short-lived
 * through its licenses' `expires_at`, which is why the trial preset says so instead of setting it.
 * @type {Record<string, { label: string, name: string, hint: string, values: Rules }>}
 */
export const PRESETS = {
  custom: {
    label: "Custom",
    name: "",
    hint: "The API's defaults: unlimited seats, no binding, no heartbeat. Set what you need.",
    values: DEFAULTS,
  },
  node_locked: {
    label: "Node-locked (one device)",
    name: "Node-locked",
    hint: "One seat bound to a device fingerprint. The customer may move it to a new machine 3 times in 30 days.",
    values: { ...DEFAULTS, max_activations: 1, binding_mode: "hardware", max_deactivations: 3, deactivation_window_s: 30 * DAY },
  },
  domain_locked: {
    label: "Domain-locked (one website)",
    name: "Domain-locked",
    hint: "One seat bound to a website: activations must name its domain, and validations for any other domain fail.",
    values: { ...DEFAULTS, max_activations: 1, binding_mode: "domain", max_deactivations: 3, deactivation_window_s: 30 * DAY },
  },
  floating: {
    label: "Floating (concurrent seats)",
    name: "Floating",
    hint: "5 people at once, from any machine: each running copy takes a seat (a lease) that frees itself 10 minutes after its last heartbeat, or at once on exit. Seats may be borrowed offline for up to 7 days.",
    values: { ...DEFAULTS, lease_mode: "per_license", max_leases: 5 },
  },
  trial: {
    label: "Trial (one device, short-lived)",
    name: "Trial",
    hint: "One device that cannot be swapped for another. A policy has no duration: the trial ends at each license's expiry, so issue trial licenses with an expiry (New license → Expires → In 14 days).",
    values: { ...DEFAULTS, max_activations: 1, binding_mode: "hardware", max_deactivations: 0, deactivation_window_s: 30 * DAY },
  },
};

/** @type {Record<Policy["token_tier"], string>} */
const TIERS = {
  basic: "Basic (15 min)",
  advanced: "Advanced (1 hour)",
  custom: "Custom (24 hours)",
};

/**
 * The form's state from a policy's (or preset's) API values; numbers become editable text.
 * @param {Rules} values
 */
function formOf(values, name = "", applicationId = "") {
  return {
    name,
    application_id: applicationId ?? "",
    max_activations: values.max_activations === null ? "" : String(values.max_activations),
    binding_mode: values.binding_mode,
    heartbeat_interval: splitSeconds(values.heartbeat_interval_s, "hours"),
    heartbeat_grace: splitSeconds(values.heartbeat_grace_s, "minutes"),
    token_tier: values.token_tier,
    max_deactivations: values.max_deactivations === null ? "" : String(values.max_deactivations),
    deactivation_window: splitSeconds(values.deactivation_window_s, "days"),
    bind_on_verify: values.bind_on_verify,
    proof_of_possession: values.proof_of_possession ?? "none",
    degraded_grace: splitSeconds(values.degraded_grace_s, "hours"),
    offline_ttl_default: splitSeconds(values.offline_ttl_default_s, "days"),
    offline_ttl_max: splitSeconds(values.offline_ttl_max_s, "days"),
    allow_perpetual_offline: values.allow_perpetual_offline,
    offline_outlives_license: values.offline_outlives_license,
    lease_mode: values.lease_mode,
    max_leases: values.max_leases === null ? "" : String(values.max_leases),
    max_users: values.max_users === null ? "" : String(values.max_users),
    lease_ttl: splitSeconds(values.lease_ttl_s, "minutes"),
    max_borrow: splitSeconds(values.max_borrow_s, "days"),
  };
}

const count = (text) => (text.trim() === "" ? null : Number(text));

/** The API's fields from the form, or a message naming the field that is not a whole number. */
function valuesOf(form) {
  const values = {
    name: form.name.trim(),
    max_activations: count(form.max_activations),
    binding_mode: form.binding_mode,
    heartbeat_interval_s: joinSeconds(form.heartbeat_interval),
    heartbeat_grace_s: joinSeconds(form.heartbeat_grace) ?? 0,
    token_tier: form.token_tier,
    max_deactivations: count(form.max_deactivations),
    deactivation_window_s: joinSeconds(form.deactivation_window),
    bind_on_verify: form.bind_on_verify,
    proof_of_possession: form.proof_of_possession,
    degraded_grace_s: joinSeconds(form.degraded_grace) ?? 0,
    offline_ttl_default_s: joinSeconds(form.offline_ttl_default) ?? DEFAULTS.offline_ttl_default_s,
    offline_ttl_max_s: joinSeconds(form.offline_ttl_max) ?? DEFAULTS.offline_ttl_max_s,
    allow_perpetual_offline: form.allow_perpetual_offline,
    offline_outlives_license: form.offline_outlives_license,
    lease_mode: form.lease_mode,
    max_leases: count(form.max_leases),
    max_users: count(form.max_users),
    lease_ttl_s: joinSeconds(form.lease_ttl) ?? DEFAULTS.lease_ttl_s,
    max_borrow_s: joinSeconds(form.max_borrow) ?? 0,
  };
  const labels = {
    max_activations: "Max activations",
    heartbeat_interval_s: "Heartbeat interval",
    heartbeat_grace_s: "Heartbeat grace",
    max_deactivations: "Max deactivations",
    deactivation_window_s: "Deactivation window",
    degraded_grace_s: "Outage grace",
    offline_ttl_default_s: "License file lifetime",
    offline_ttl_max_s: "Longest license file",
    max_leases: "Floating seats",
    max_users: "Max users",
    lease_ttl_s: "Lease lifetime",
    max_borrow_s: "Longest borrow",
  };
  for (const [key, label] of Object.entries(labels)) {
    const v = values[key];
    if (v !== null && !(Number.isInteger(v) && v >= 0)) return { problem: `${label} must be a whole number of 0 or more.` };
  }
  return { values };
}

const CHURN = ["max_deactivations", "deactivation_window_s"];

/**
 * Only what changed; both halves of the churn budget when either did (the API checks them as a pair).
 * @param {Policy} policy
 * @param {ReturnType<typeof valuesOf>["values"]} values
 * @returns {import("../../lib/api.js").Schema<"UpdatePolicyRequest">}
 */
function changesOf(policy, values) {
  const changed = Object.keys(values).filter((k) => values[k] !== policy[k]);
  if (changed.some((k) => CHURN.includes(k))) for (const k of CHURN) if (!changed.includes(k)) changed.push(k);
  return Object.fromEntries(changed.map((k) => [k, values[k]]));
}

/**
 * @param {{ policy?: Policy, applicationId?: string, catalog: import("./common.js").Catalog, onSaved: (policy: Policy) => void, onCancel: () => void }} props
 * Without `policy` it creates one (offering presets, for `applicationId` at first); with it, edits that one.
 */
export function PolicyForm({ policy, applicationId = "", catalog, onSaved, onCancel }) {
  const { api } = useApp();
  const creating = !policy;
  const [preset, setPreset] = useState("custom");
  const [form, setForm] = useState(() => (creating ? formOf(DEFAULTS, "", applicationId) : formOf(policy, policy.name, policy.application_id)));
  const [problem, setProblem] = useState(null);
  const set = (key) => (value) => setForm((f) => ({ ...f, [key]: value }));
  const text = (key) => (e) => set(key)(e.currentTarget.value);

  const applyPreset = (key) => {
    const chosen = PRESETS[key];
    setPreset(key);
    // The seller's own name survives; a preset's name replaces only an empty or preset-given one.
    const keepName = form.name.trim() && !Object.values(PRESETS).some((p) => p.name === form.name);
    setForm((f) => ({ ...formOf(chosen.values, keepName ? f.name : chosen.name), application_id: f.application_id }));
  };

  const save = useAction(async () => {
    const { values, problem: wrong } = valuesOf(form);
    setProblem(wrong ?? null);
    if (wrong) return;
    let saved;
    if (creating) {
      saved = await api.post("/v1/policies", { ...values, application_id: form.application_id || undefined });
    } else {
      const changes = changesOf(policy, values);
      saved = Object.keys(changes).length ? await api.patch(path("/v1/policies/{id}", { id: policy.id }), changes) : policy;
    }
    onSaved(saved);
  });

  const submit = (e) => {
    e.preventDefault();
    save.run();
  };
  const interval = joinSeconds(form.heartbeat_interval);
  const grace = joinSeconds(form.heartbeat_grace);

  return html`<form onSubmit=${submit} class="lic-dialog-form">
    ${
      creating
        ? html`<${Field} id="policy-preset" label="Preset" hint=${PRESETS[preset].hint}>
          <select id="policy-preset" value=${preset} onChange=${(e) => applyPreset(e.currentTarget.value)}>
            ${Object.entries(PRESETS).map(([key, p]) => html`<option value=${key}>${p.label}</option>`)}
          </select>
        <//>`
        : null
    }
    <${Field} id="policy-name" label="Name" hint="Shown to you only, in lists and selects.">
      <input id="policy-name" required maxlength="200" autocomplete="off" value=${form.name} onInput=${text("name")} />
    <//>
    ${
      creating
        ? html`<${Field} id="policy-application" label="Application" hint="Licenses under this policy belong to this application (their tokens' aud). Fixed once created.">
          ${
            catalog.applications
              ? html`<select id="policy-application" value=${form.application_id} onChange=${text("application_id")}>
                <option value="">Any application</option>
                ${catalog.applications.map((a) => html`<option value=${a.id}>${a.name}</option>`)}
              </select>`
              : html`<input id="policy-application" placeholder="app_… (optional)" value=${form.application_id} onInput=${text("application_id")} />`
          }
        <//>`
        : null
    }
    <div class="lic-form-grid">
      <${Field} id="policy-max-activations" label="Max activations" hint="Devices or sites that may hold a seat at once. Empty: unlimited.">
        <input
          id="policy-max-activations"
          type="number"
          min="0"
          step="1"
          inputmode="numeric"
          placeholder="Unlimited"
          value=${form.max_activations}
          onInput=${text("max_activations")}
        />
      <//>
      <${Field} id="policy-max-users" label="Max users" hint="Named seats: how many of the customer's users may hold a license, directly or through groups. Empty: no limit.">
        <input id="policy-max-users" type="number" min="1" step="1" inputmode="numeric" placeholder="No limit" value=${form.max_users} onInput=${text("max_users")} />
      <//>
      <${Field} id="policy-binding" label="Binding" hint=${BINDING_HINTS[form.binding_mode]}>
        <select id="policy-binding" value=${form.binding_mode} onChange=${text("binding_mode")}>
          ${Object.entries(BINDING_LABELS).map(([mode, label]) => html`<option value=${mode}>${label}</option>`)}
        </select>
      <//>
      <${Field}
        id="policy-heartbeat"
        label="Heartbeat interval"
        hint="How often each device must check in (POST /v1/licenses/heartbeat). Empty: never."
      >
        <${DurationInput} id="policy-heartbeat" unitLabel="Interval unit" placeholder="None" value=${form.heartbeat_interval} onChange=${set("heartbeat_interval")} />
      <//>
      <${Field}
        id="policy-grace"
        label="Heartbeat grace"
        hint=${
          interval
            ? `A device silent for ${humanSeconds(interval + (grace || 0))} is dead: it fails with HEARTBEAT_DEAD and its seat is freed.`
            : "Extra time after a missed heartbeat before the device counts as dead."
        }
      >
        <${DurationInput} id="policy-grace" unitLabel="Grace unit" placeholder="0" value=${form.heartbeat_grace} onChange=${set("heartbeat_grace")} />
      <//>
      <${Field}
        id="policy-token-tier"
        label="Token tier"
        hint="Lifetime of the signed license tokens a verify returns (never past the license's expiry). Longer lets clients stay offline longer; shorter makes a suspension reach them sooner."
      >
        <select id="policy-token-tier" value=${form.token_tier} onChange=${text("token_tier")}>
          ${Object.entries(TIERS).map(([tier, label]) => html`<option value=${tier}>${label}</option>`)}
        </select>
      <//>
    </div>
    <fieldset class="lic-fieldset">
      <legend>Deactivation budget</legend>
      <p class="muted small">
        How often customers may free a seat themselves, so one license cannot hop between machines. Set both or neither; releases from this console do not
        count.
      </p>
      <div class="lic-form-grid">
        <${Field} id="policy-max-deactivations" label="Max deactivations" hint="Per window. 0: a device can never be swapped. Empty: no limit.">
          <input
            id="policy-max-deactivations"
            type="number"
            min="0"
            step="1"
            inputmode="numeric"
            placeholder="No limit"
            value=${form.max_deactivations}
            onInput=${text("max_deactivations")}
          />
        <//>
        <${Field} id="policy-deactivation-window" label="Deactivation window" hint="The rolling period the budget counts over.">
          <${DurationInput}
            id="policy-deactivation-window"
            unitLabel="Window unit"
            placeholder="None"
            value=${form.deactivation_window}
            onChange=${set("deactivation_window")}
          />
        <//>
      </div>
    </fieldset>
    <div class="field">
      <label class="lic-check" for="policy-bind-on-verify">
        <input id="policy-bind-on-verify" type="checkbox" checked=${form.bind_on_verify} onChange=${(e) => set("bind_on_verify")(e.currentTarget.checked)} />
        Bind on verify
      </label>
      <small class="muted">A verify from a new device takes a free seat, as activate would (LicenseChain's behaviour). Off: devices activate first.</small>
    </div>
    <${ProofField} value=${form.proof_of_possession} was=${policy?.proof_of_possession} onChange=${set("proof_of_possession")} />
    <${Field}
      id="policy-degraded-grace"
      label="Outage grace"
      hint="If the service's database is unreachable, a license seen valid within this long keeps validating from the edge (marked degraded, with 15-minute tokens). 0: never; clients then get 503 and retry."
    >
      <${DurationInput} id="policy-degraded-grace" unitLabel="Outage grace unit" placeholder="0" value=${form.degraded_grace} onChange=${set("degraded_grace")} />
    <//>
    <fieldset class="lic-fieldset">
      <legend>Floating seats</legend>
      <div class="lic-form-grid">
        <${Field} id="policy-lease-mode" label="Mode" hint="Concurrent use: each running copy (or each user) holds a seat while it runs.">
          <select id="policy-lease-mode" value=${form.lease_mode} onChange=${(e) => set("lease_mode")(e.currentTarget.value)}>
            <option value="none">Off</option>
            <option value="per_license">A seat per running copy</option>
            <option value="per_user">A seat per user</option>
          </select>
        <//>
        <${Field} id="policy-max-leases" label="Floating seats" hint="Blank: unlimited.">
          <input id="policy-max-leases" type="number" min="0" step="1" inputmode="numeric" placeholder="Unlimited" value=${form.max_leases} onInput=${(e) => set("max_leases")(e.currentTarget.value)} />
        <//>
        <${Field} id="policy-lease-ttl" label="Lease lifetime" hint="A seat frees itself this long after its last heartbeat (1 minute to 1 day).">
          <${DurationInput} id="policy-lease-ttl" unitLabel="Lease lifetime unit" placeholder="10" value=${form.lease_ttl} onChange=${set("lease_ttl")} />
        <//>
        <${Field} id="policy-max-borrow" label="Longest borrow" hint="How long a seat may be taken offline. 0: never.">
          <${DurationInput} id="policy-max-borrow" unitLabel="Longest borrow unit" placeholder="0" value=${form.max_borrow} onChange=${set("max_borrow")} />
        <//>
      </div>
    </fieldset>
    <fieldset class="lic-fieldset">
      <legend>License files (offline)</legend>
      <div class="lic-form-grid">
        <${Field} id="policy-offline-default" label="License file lifetime" hint="What a checkout gets when it asks for none.">
          <${DurationInput} id="policy-offline-default" unitLabel="License file lifetime unit" placeholder="30" value=${form.offline_ttl_default} onChange=${set("offline_ttl_default")} />
        <//>
        <${Field} id="policy-offline-max" label="Longest license file" hint="The most a checkout may ask for.">
          <${DurationInput} id="policy-offline-max" unitLabel="Longest license file unit" placeholder="365" value=${form.offline_ttl_max} onChange=${set("offline_ttl_max")} />
        <//>
      </div>
      <div class="field">
        <label class="lic-check" for="policy-perpetual">
          <input id="policy-perpetual" type="checkbox" checked=${form.allow_perpetual_offline} onChange=${(e) => set("allow_perpetual_offline")(e.currentTarget.checked)} />
          Allow perpetual files (no expiry)
        </label>
        <label class="lic-check" for="policy-outlives">
          <input id="policy-outlives" type="checkbox" checked=${form.offline_outlives_license} onChange=${(e) => set("offline_outlives_license")(e.currentTarget.checked)} />
          Files may outlive the license's expiry
        </label>
      </div>
    </fieldset>
    <${FieldError} id="policy-form-problem" message=${problem} />
    <${ErrorNote} error=${save.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${save.busy}>${creating ? "Create policy" : "Save changes"}<//>
    </div>
  </form>`;
}
