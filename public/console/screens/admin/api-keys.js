// API keys: the list with each key's state, creating one (secret shown once), renaming or
// re-dating it, rotating it with a grace period, and revoking it. Every change needs the caller
// to hold all of the key's permissions, so keys holding more than the signed-in credential say
// so instead of offering buttons the API would refuse.

import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ConfirmButton, ErrorNote, Field, Id, Modal, Pager, SecretOnce, useAction, useApp, useCreateDialog, usePages } from "../../lib/ui.js";
import {
  Ago,
  DurationSelect,
  ListTable,
  lacking,
  PermissionList,
  PermissionPicker,
  SecretActionButton,
  Stamp,
  shortWhen,
  useOwnPermissions,
  when,
} from "./common.js";

const DAY = 86_400_000;
const SOON = 7 * DAY;

/** @typedef {import("../../lib/api.js").Schema<"ApiKey">} ApiKey */

/**
 * live, expiring (within 7 days), rotated (replaced; may still work until its grace period ends), expired or revoked.
 * @param {ApiKey} key
 */
export function keyState(key, now = Date.now()) {
  if (key.revoked_at) return "revoked";
  const expires = key.expires_at ? Date.parse(key.expires_at) : null;
  if (key.replaced_by) return "rotated";
  if (expires !== null && expires <= now) return "expired";
  if (expires !== null && expires - now <= SOON) return "expiring";
  return "live";
}

/**
 * Whether the key still authenticates (a rotated key does until its grace period ends).
 * @param {ApiKey} key
 */
const works = (key) => !key.revoked_at && (!key.expires_at || Date.parse(key.expires_at) > Date.now());

/** @param {{ apiKey: ApiKey }} props */
function KeyState({ apiKey }) {
  const state = keyState(apiKey);
  const hint =
    state === "rotated"
      ? works(apiKey)
        ? `works until ${shortWhen(apiKey.expires_at)}`
        : "stopped"
      : state === "expiring"
        ? `expires ${shortWhen(apiKey.expires_at)}`
        : null;
  return html`<span class=${`badge badge-${state}`}>${state}</span>${hint ? html`<div class="muted small">${hint}</div>` : null}`;
}

const EXPIRY_CHOICES = [
  { value: "", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 1 year" },
  { value: "custom", label: "On a date…" },
];

/** `<input type="datetime-local">` speaks local wall time without a zone; the API wants an instant. */
const toLocalInput = (iso) => {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);

function expiryFrom(choice, custom) {
  if (choice === "") return null;
  if (choice === "custom") return fromLocalInput(custom);
  return new Date(Date.now() + Number(choice) * DAY).toISOString();
}

/** Signed in through a user token: whatever is created expires with the access token at the latest. */
function AccessTokenLimit() {
  const { session } = useApp();
  const expires = session.me.credential.expires_at;
  if (session.me.credential.kind !== "access_token" || !expires) return null;
  return html`<p class="muted small">
    You are signed in with a user token: a key created now expires with your access token (${when(expires)}) at the latest, and stops if that user token
    is revoked or refreshed.
  </p>`;
}

/** @param {{ onCreated: () => void }} props */
function NewApiKey({ onCreated }) {
  const { api, session } = useApp();
  // Through an access token "never" means "when the access token ends": the API caps it there.
  const capped = session.me.credential.kind === "access_token" ? session.me.credential.expires_at : null;
  const choices = EXPIRY_CHOICES.map((c) => (c.value === "" && capped ? { ...c, label: `With my access token (${shortWhen(capped)})` } : c));
  const own = useOwnPermissions();
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState([]);
  const [expiry, setExpiry] = useState("");
  const [customExpiry, setCustomExpiry] = useState("");
  const action = useAction(async () => {
    /** @type {import("../../lib/api.js").Schema<"CreateApiKeyRequest">} */
    const body = { name, permissions };
    const expires = expiryFrom(expiry, customExpiry);
    if (expires) body.expires_at = expires;
    setCreated(await api.post("/v1/api-keys", body));
  });
  /** @type {import("../../lib/ui.js").CreateDialog<import("../../lib/api.js").Schema<"ApiKeyWithSecret">>} */
  const { open, created, setCreated, start, close } = useCreateDialog(onCreated, () => {
    setName("");
    setPermissions([]);
    setExpiry("");
    setCustomExpiry("");
    action.clear();
  });
  return html`<${Button} kind="primary" onClick=${start}>New API key<//>
    <${Modal} title=${created ? "API key created" : "New API key"} open=${open} onClose=${close} wide>
      ${
        created
          ? html`<${SecretOnce} label="the API key" secret=${created.key}>
                <p class="small">
                  Send it as <code>Authorization: Bearer sk_…</code>. The list shows only its prefix <code>${created.prefix}</code>.
                  ${created.expires_at ? ` It expires ${when(created.expires_at)}.` : " It does not expire."}
                </p>
              <//>
              <div class="form-actions"><${Button} kind="primary" onClick=${close}>Done<//></div>`
          : html`<form
              onSubmit=${(e) => {
                e.preventDefault();
                action.run();
              }}
            >
              <${Field} label="Name" id="api-key-name" hint="What uses it, e.g. “billing backend”.">
                <input id="api-key-name" required maxlength="200" autocomplete="off" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
              <//>
              <${PermissionPicker} offered=${own} value=${permissions} onChange=${setPermissions} idPrefix="api-key-perm" />
              <div class="field-row">
                <${Field} label="Expires" id="api-key-expires">
                  <select id="api-key-expires" value=${expiry} onChange=${(e) => setExpiry(e.currentTarget.value)}>
                    ${choices.map((c) => html`<option value=${c.value}>${c.label}</option>`)}
                  </select>
                <//>
                ${
                  expiry === "custom"
                    ? html`<${Field} label="Expiry date" id="api-key-expiry-date">
                      <input id="api-key-expiry-date" type="datetime-local" required value=${customExpiry} onInput=${(e) => setCustomExpiry(e.currentTarget.value)} />
                    <//>`
                    : null
                }
              </div>
              <${AccessTokenLimit} />
              <${ErrorNote} error=${action.error} />
              <div class="form-actions">
                <${Button} onClick=${close}>Cancel<//>
                <${Button} kind="primary" type="submit" busy=${action.busy}>Create API key<//>
              </div>
            </form>`
      }
    <//>`;
}

/** @param {{ apiKey: ApiKey, onSaved: () => void }} props */
function EditKey({ apiKey, onSaved }) {
  const { api } = useApp();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(apiKey.name);
  const [expires, setExpires] = useState(toLocalInput(apiKey.expires_at));
  const action = useAction(async () => {
    /** @type {import("../../lib/api.js").Schema<"UpdateApiKeyRequest">} */
    const body = {};
    if (name.trim() !== apiKey.name) body.name = name;
    const next = fromLocalInput(expires);
    if (expires !== toLocalInput(apiKey.expires_at)) body.expires_at = next;
    if (Object.keys(body).length > 0) await api.patch(path("/v1/api-keys/{id}", { id: apiKey.id }), body);
    setOpen(false);
    onSaved();
  });
  const start = () => {
    setName(apiKey.name);
    setExpires(toLocalInput(apiKey.expires_at));
    action.clear();
    setOpen(true);
  };
  const id = `edit-${apiKey.id}`;
  return html`<${Button} class="btn-small" onClick=${start}>Edit<//>
    <${Modal} title=${`Edit ${apiKey.name}`} open=${open} onClose=${() => setOpen(false)}>
      <form
        onSubmit=${(e) => {
          e.preventDefault();
          action.run();
        }}
      >
        <${Field} label="Name" id=${`${id}-name`}>
          <input id=${`${id}-name`} required maxlength="200" autocomplete="off" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
        <//>
        <${Field} label="Expires" id=${`${id}-expires`} hint="Leave empty for no expiry. Setting a past instant is refused; revoke the key instead.">
          <input id=${`${id}-expires`} type="datetime-local" value=${expires} onInput=${(e) => setExpires(e.currentTarget.value)} />
        <//>
        <p class="muted small">Permissions are fixed when a key is created: to change them, create a new key and revoke this one.</p>
        <${ErrorNote} error=${action.error} />
        <div class="form-actions">
          <${Button} onClick=${() => setOpen(false)}>Cancel<//>
          <${Button} kind="primary" type="submit" busy=${action.busy}>Save<//>
        </div>
      </form>
    <//>`;
}

/** @param {{ apiKey: ApiKey, isSelf: boolean, onRotated: () => void }} props */
function RotateKey({ apiKey, isSelf, onRotated }) {
  const { api } = useApp();
  const [grace, setGrace] = useState(3600);
  const id = `rotate-${apiKey.id}`;
  const perform = async () => {
    const { key, previous } = await api.post(path("/v1/api-keys/{id}/rotate", { id: apiKey.id }), { grace_period_s: grace });
    const until = previous.expires_at && Date.parse(previous.expires_at) > Date.now() ? previous.expires_at : null;
    return {
      secret: key.key,
      note: html`<p class="small">
        The new key <code>${key.prefix}…</code> has the same name and permissions.
        ${until ? ` The old key ${apiKey.prefix}… keeps working until ${when(until)}, then stops.` : ` The old key ${apiKey.prefix}… has stopped working.`}
        ${isSelf ? " You are signed in with the old key: sign in again with the new one before then." : ""}
      </p>`,
    };
  };
  return html`<${SecretActionButton}
    label="Rotate"
    title=${`Rotate ${apiKey.name}`}
    confirmLabel="Rotate key"
    secretLabel="the new API key"
    perform=${perform}
    onDone=${onRotated}
    intro=${html`<p>
      A new key with the same name and permissions replaces <code>${apiKey.prefix}…</code>. The old key keeps working for the grace period, so your
      deployments can switch to the new one; then it stops for good.
    </p>`}
  >
    <${Field} label="Grace period" id=${id} hint="How long the old key keeps working.">
      <${DurationSelect} id=${id} value=${grace} onChange=${setGrace} max=${30 * 86400} />
    <//>
    ${isSelf ? html`<p class="warning-text">You are signed in with this key: the console signs out when the grace period ends.</p>` : null}
  <//>`;
}

/** @param {{ apiKey: ApiKey, own: ApiKey["permissions"], isSelf: boolean, reload: () => void }} props */
function KeyActions({ apiKey, own, isSelf, reload }) {
  const { api, can } = useApp();
  if (!can("api_keys:write") || !works(apiKey)) return html`<span class="muted">—</span>`;
  const missing = lacking(own, apiKey.permissions);
  if (missing.length > 0)
    return html`<span class="muted small" title="Only a credential holding every permission of this one can change or revoke it.">
      You lack ${missing.join(", ")}, so you cannot change it.
    </span>`;
  const rotated = Boolean(apiKey.replaced_by);
  const revoke = async () => {
    await api.post(path("/v1/api-keys/{id}/revoke", { id: apiKey.id }));
    reload();
  };
  return html`<div class="row-actions">
    ${rotated ? null : html`<${EditKey} apiKey=${apiKey} onSaved=${reload} />`}
    ${rotated ? null : html`<${RotateKey} apiKey=${apiKey} isSelf=${isSelf} onRotated=${reload} />`}
    <${ConfirmButton}
      label="Revoke"
      title=${`Revoke ${apiKey.name}`}
      confirmLabel="Revoke key"
      small
      message=${`Requests with ${apiKey.prefix}… are refused from now on. This cannot be undone.${rotated ? " (It was rotated: this ends its grace period now.)" : ""}${isSelf ? " You are signed in with this key, so the console signs out." : ""}`}
      onConfirm=${revoke}
    />
  </div>`;
}

export function ApiKeysSection() {
  const { api, can, session } = useApp();
  const own = useOwnPermissions();
  const pages = usePages((cursor) => api.get("/v1/api-keys", { limit: 20, starting_after: cursor }), []);
  const self = session.me.credential.id;
  /** @type {import("../../lib/ui.js").Column<ApiKey>[]} */
  const columns = [
    {
      label: "Name",
      render: (k) => html`<strong>${k.name}</strong>${k.id === self ? html` <span class="badge badge-self">you</span>` : null}
        <div class="sub-id"><code class="prefix" title="The key's first characters">${k.prefix}…</code></div>
        <div class="sub-id"><${Id} value=${k.id} /></div>`,
    },
    { label: "Permissions", render: (k) => html`<${PermissionList} permissions=${k.permissions} />` },
    { label: "State", render: (k) => html`<${KeyState} apiKey=${k} />` },
    { label: "Created", render: (k) => html`<${Stamp} iso=${k.created_at} />` },
    { label: "Expires", render: (k) => html`<${Stamp} iso=${k.expires_at} empty="Never" />` },
    { label: "Last used", render: (k) => html`<${Ago} iso=${k.last_used_at} />` },
    {
      label: "Actions",
      className: "actions-cell",
      render: (k) => html`<${KeyActions} apiKey=${k} own=${own} isSelf=${k.id === self} reload=${pages.reload} />`,
    },
  ];
  return html`<section class="card admin-section" aria-labelledby="api-keys-title">
    <header class="section-header">
      <div>
        <h2 id="api-keys-title">API keys</h2>
        <p class="section-intro muted small">Secret keys (<code>sk_…</code>) for your servers. Each holds the permissions it was given; the secret is shown once, when it is created or rotated.</p>
      </div>
      ${can("api_keys:write") ? html`<${NewApiKey} onCreated=${pages.reload} />` : null}
    </header>
    <${ErrorNote} error=${pages.error} />
    <${ListTable} label="API keys" columns=${columns} rows=${pages.rows} loading=${pages.loading} empty="No API keys yet." />
    <${Pager} pages=${pages} />
  </section>`;
}
