// One billing connector: the endpoint URL to paste into the provider, its settings and mappings,
// editing (a blank secret keeps the current one), enabling, deletion (the licenses it made stay),
// a test event whose result shows in the log, and its event log.
import { path } from "../lib/api.js";
import { html, useState } from "../lib/html.js";
import { href, navigate } from "../lib/router.js";
import { Button, ConfirmButton, ErrorNote, Id, Modal, PageHeader, Time, useAction, useApp, useLoad } from "../lib/ui.js";
import { ConnectorState, EndpointUrl, graceWords, OUTCOME_KEYS, PROVIDERS } from "./billing/common.js";
import { ConnectorForm } from "./billing/connector-form.js";
import { EventLog } from "./billing/events.js";
import { MappingsTable } from "./billing/mappings.js";
import { useCatalog } from "./licensing/common.js";

/** @typedef {import("./billing/common.js").Connector} Connector */

/** @param {{ connector: Connector, catalog: import("./licensing/common.js").Catalog, onSaved: (connector: Connector) => void }} props */
function EditConnector({ connector, catalog, onSaved }) {
  const { notify } = useApp();
  const [open, setOpen] = useState(false);
  const saved = (/** @type {Connector} */ next) => {
    setOpen(false);
    notify(`${next.name} saved.`);
    onSaved(next);
  };
  return html`<${Button} onClick=${() => setOpen(true)}>Edit<//>
    <${Modal} title=${`Edit ${connector.name}`} open=${open} onClose=${() => setOpen(false)} wide>
      <${ConnectorForm} connector=${connector} catalog=${catalog} idPrefix="edit-connector" onSaved=${saved} onCancel=${() => setOpen(false)} />
    <//>`;
}

/** @param {{ connector: Connector, onSaved: (connector: Connector) => void }} props */
function ToggleEnabled({ connector, onSaved }) {
  const { api, notify } = useApp();
  const action = useAction(async () => {
    const next = await api.patch(path("/v1/billing/connectors/{id}", { id: connector.id }), { enabled: !connector.enabled });
    notify(next.enabled ? `${next.name} is enabled: deliveries are applied again.` : `${next.name} is disabled: its endpoint answers 404 until enabled.`);
    onSaved(next);
  });
  return html`<${Button} busy=${action.busy} onClick=${action.run}>${connector.enabled ? "Disable" : "Enable"}<//>
    ${action.error ? html`<div class="inline-error"><${ErrorNote} error=${action.error} /></div>` : null}`;
}

/**
 * "Send a test event": signed as the provider would and run through the same intake; the log is
 * read again (all outcomes, so the test's "ignored" line is in it) and the result announced.
 * @param {{ connector: Connector, onSent: () => void }} props
 */
function SendTest({ connector, onSent }) {
  const { api, notify } = useApp();
  const action = useAction(async () => {
    const event = await api.post(path("/v1/billing/connectors/{id}/test", { id: connector.id }));
    notify(`Test event logged as ${event.outcome}${event.reason ? `: ${event.reason}` : "."}`);
    onSent();
  });
  return html`<${Button} busy=${action.busy} onClick=${action.run}>Send a test event<//>
    ${action.error ? html`<div class="inline-error"><${ErrorNote} error=${action.error} /></div>` : null}`;
}

/** @param {{ id: string, params: URLSearchParams }} props */
export function BillingConnectorScreen({ id, params }) {
  const { api, can, notify } = useApp();
  const writes = can("billing:write");
  const catalog = useCatalog();
  const [fresh, setFresh] = useState(/** @type {Connector | null} */ (null));
  const load = useLoad(() => api.get(path("/v1/billing/connectors/{id}", { id })), [id]);
  // A change answers with the connector as it now is: shown without reading it again.
  const connector = fresh ?? load.data;
  const outcome = OUTCOME_KEYS.find((o) => o === params?.get("outcome"));
  const [version, setVersion] = useState(0);
  const tested = () => {
    if (outcome && outcome !== "ignored") navigate(href("billing", id));
    setVersion((v) => v + 1);
  };
  const remove = async () => {
    await api.del(path("/v1/billing/connectors/{id}", { id }));
    notify("Connector deleted. The licenses it made stay as they are.");
    navigate(href("billing"));
  };
  const provider = connector ? PROVIDERS[connector.provider] : null;
  return html`<section class="admin-screen">
    <p class="crumbs"><a href=${href("billing")}>← Billing</a></p>
    <${PageHeader} title=${connector?.name ?? "Billing connector"} subtitle=${provider ? `${provider.label} connector` : null}>
      ${
        connector && writes
          ? html`<${SendTest} connector=${connector} onSent=${tested} />
            <${EditConnector} connector=${connector} catalog=${catalog} onSaved=${setFresh} />
            <${ToggleEnabled} connector=${connector} onSaved=${setFresh} />
            <${ConfirmButton}
              label="Delete"
              title="Delete this connector"
              confirmLabel="Delete connector"
              message=${`${connector.name} stops taking ${provider.label}'s deliveries at once (its endpoint answers 404) and its event log is deleted. The licenses it made stay as they are. This cannot be undone.`}
              onConfirm=${remove}
            />`
          : null
      }
    <//>
    <${ErrorNote} error=${load.error} />
    ${load.loading && !connector ? html`<p class="muted">Loading…</p>` : null}
    ${
      connector
        ? html`<div class="card">
            <${EndpointUrl} connector=${connector} idPrefix="connector-endpoint" />
          </div>
          <div class="card">
            <dl class="props">
              <dt>Id</dt>
              <dd><${Id} value=${connector.id} /></dd>
              <dt>Provider</dt>
              <dd>${provider.label}</dd>
              <dt>State</dt>
              <dd><${ConnectorState} connector=${connector} /></dd>
              <dt>Renewal grace</dt>
              <dd>${graceWords(connector.renewal_grace_s)} <span class="muted small">after each paid period's end</span></dd>
              <dt>Dunning grace</dt>
              <dd>${graceWords(connector.dunning_grace_s)} <span class="muted small">from a failed payment to suspension</span></dd>
              <dt>Created</dt>
              <dd><${Time} iso=${connector.created_at} /></dd>
              <dt>Updated</dt>
              <dd><${Time} iso=${connector.updated_at} /></dd>
            </dl>
          </div>
          <section class="card" aria-labelledby="billing-mappings-title">
            <h2 id="billing-mappings-title">Mappings</h2>
            <${MappingsTable} mappings=${connector.mappings} catalog=${catalog} />
          </section>
          <${EventLog} connector=${connector} outcome=${outcome} version=${version} />`
        : null
    }
  </section>`;
}
