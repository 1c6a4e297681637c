// The account's settings (GET/PATCH /v1/tenant): who the account is, how long its license
// activity is kept, and the customer portal's branding (settings/portal.js). Anyone who reads the
// account sees them; changing them takes tenants:write.
import { path } from "../lib/api.js";
import { html, useState } from "../lib/html.js";
import { Button, ErrorNote, Field, Id, PageHeader, Time, useAction, useApp, useLoad } from "../lib/ui.js";
import { FieldError } from "./licensing/common.js";
import { PortalSettings } from "./settings/portal.js";

/** The service's bounds (src/contract/activity.ts). */
const MIN_DAYS = 1;
const MAX_DAYS = 400;

/** @typedef {import("../lib/api.js").Schema<"Tenant">} Tenant */

/** @param {{ tenant: Tenant, onSaved: (tenant: Tenant) => void }} props */
function RetentionForm({ tenant, onSaved }) {
  const { api } = useApp();
  const [days, setDays] = useState(String(tenant.activity_retention_days));
  const [problem, setProblem] = useState(/** @type {string | null} */ (null));
  // Through path(): with the bare "/v1/tenant" the compiler infers no single PATCH operation.
  const save = useAction(async (value) => onSaved(await api.patch(path("/v1/tenant", {}), { activity_retention_days: value })));
  const submit = (e) => {
    e.preventDefault();
    const value = Number(days);
    // Said before anything is sent, in the words of the field.
    if (!Number.isInteger(value) || value < MIN_DAYS || value > MAX_DAYS) {
      setProblem(`Enter a whole number of days from ${MIN_DAYS} to ${MAX_DAYS}.`);
      return;
    }
    setProblem(null);
    save.run(value);
  };
  const unchanged = Number(days) === tenant.activity_retention_days;
  return html`<form class="set-retention" onSubmit=${submit} noValidate>
    <${Field} id="retention-days" label="Keep activity for (days)" hint=${`From ${MIN_DAYS} to ${MAX_DAYS}; 90 unless changed.`}>
      <input
        id="retention-days"
        type="number"
        min=${MIN_DAYS}
        max=${MAX_DAYS}
        step="1"
        inputmode="numeric"
        required
        value=${days}
        aria-invalid=${problem ? "true" : undefined}
        aria-describedby=${problem ? "retention-days-error" : undefined}
        onInput=${(e) => setDays(e.currentTarget.value)}
      />
      <${FieldError} id="retention-days-error" message=${problem} />
    <//>
    <${ErrorNote} error=${save.error} />
    <div class="form-actions set-actions">
      <${Button} kind="primary" type="submit" busy=${save.busy} disabled=${unchanged}>Save<//>
    </div>
  </form>`;
}

export function SettingsScreen() {
  const { api, can, notify } = useApp();
  const load = useLoad(() => api.get("/v1/tenant"), []);
  const tenant = load.data;
  const saved = (/** @type {Tenant} */ next) => {
    notify(`License activity is now kept for ${next.activity_retention_days} days.`);
    load.reload();
  };
  return html`<section>
    <${PageHeader} title="Settings" subtitle="Your account, how long its license activity is kept, and your customer portal." />
    <${ErrorNote} error=${load.error} />
    ${
      tenant
        ? html`<div class="card">
            <h2>Account</h2>
            <dl class="props">
              <dt>Name</dt>
              <dd>${tenant.name}</dd>
              <dt>ID</dt>
              <dd><${Id} value=${tenant.id} /></dd>
              <dt>Plan</dt>
              <dd>${tenant.plan_tier}</dd>
              <dt>Created</dt>
              <dd><${Time} iso=${tenant.created_at} /></dd>
            </dl>
          </div>
          <div class="card">
            <h2>License activity</h2>
            <p>
              How long each license's activity is kept: every request an app makes with a license (validations, activations, heartbeats, floating
              seats, license files) and every token introspection. Older events are deleted by the next scheduled clean-up, and questions about
              them can no longer be answered from the console.
            </p>
            ${
              can("tenants:write")
                ? html`<${RetentionForm} key=${tenant.activity_retention_days} tenant=${tenant} onSaved=${saved} />`
                : html`<p>
                    Kept for <strong>${tenant.activity_retention_days} days</strong>.
                    <span class="muted">Changing it needs the <code>tenants:write</code> permission.</span>
                  </p>`
            }
            <p class="muted small">
              Where the service stores activity in Workers Analytics Engine, events are kept at most about three months whatever this says.
            </p>
          </div>
          <${PortalSettings}
            tenant=${tenant}
            onSaved=${() => {
              notify("Customer portal settings saved.");
              load.reload();
            }}
          />`
        : load.loading
          ? html`<p class="muted">Loading…</p>`
          : null
    }
  </section>`;
}
