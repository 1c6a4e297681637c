// User tokens: long-lived credentials for people, exchanged at POST /v1/auth/token for access
// tokens that last 24 hours. Created and refreshed with an API key only (the API refuses an
// access token), revoked with either; every change needs all of the token's permissions.

import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ConfirmButton, ErrorNote, Field, Id, Modal, Pager, SecretOnce, useAction, useApp, useCreateDialog, usePages } from "../../lib/ui.js";
import { ListTable, lacking, PermissionList, PermissionPicker, SecretActionButton, Stamp, useOwnPermissions } from "./common.js";

/** @typedef {import("../../lib/api.js").Schema<"UserToken">} UserToken */

const ExchangeNote = () => html`<p class="small">
  Exchange it at <code>POST /v1/auth/token</code> (body <code>${'{ "user_token": "…" }'}</code>) for an access token that lasts 24 hours, or paste it on
  this console's sign-in page.
</p>`;

/** @param {{ onCreated: () => void }} props */
function NewUserToken({ onCreated }) {
  const { api } = useApp();
  const own = useOwnPermissions();
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState([]);
  const action = useAction(async () => setCreated(await api.post("/v1/user-tokens", { name, permissions })));
  /** @type {import("../../lib/ui.js").CreateDialog<import("../../lib/api.js").Schema<"UserTokenWithSecret">>} */
  const { open, created, setCreated, start, close } = useCreateDialog(onCreated, () => {
    setName("");
    setPermissions([]);
    action.clear();
  });
  return html`<${Button} kind="primary" onClick=${start}>New user token<//>
    <${Modal} title=${created ? "User token created" : "New user token"} open=${open} onClose=${close} wide>
      ${
        created
          ? html`<${SecretOnce} label="the user token" secret=${created.token}><${ExchangeNote} /><//>
              <div class="form-actions"><${Button} kind="primary" onClick=${close}>Done<//></div>`
          : html`<form
              onSubmit=${(e) => {
                e.preventDefault();
                action.run();
              }}
            >
              <${Field} label="Name" id="user-token-name" hint="Who it is for, e.g. “Ana (support)”.">
                <input id="user-token-name" required maxlength="200" autocomplete="off" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
              <//>
              <${PermissionPicker} offered=${own} value=${permissions} onChange=${setPermissions} idPrefix="user-token-perm" />
              <p class="muted small">
                The token does not expire: it is exchanged for 24-hour access tokens, and stops when it is revoked or refreshed.
              </p>
              <${ErrorNote} error=${action.error} />
              <div class="form-actions">
                <${Button} onClick=${close}>Cancel<//>
                <${Button} kind="primary" type="submit" busy=${action.busy}>Create user token<//>
              </div>
            </form>`
      }
    <//>`;
}

/** @param {{ token: UserToken, own: UserToken["permissions"], viaApiKey: boolean, reload: () => void }} props */
function TokenActions({ token, own, viaApiKey, reload }) {
  const { api, can } = useApp();
  if (!can("api_keys:write") || token.revoked_at) return html`<span class="muted">—</span>`;
  const missing = lacking(own, token.permissions);
  if (missing.length > 0)
    return html`<span class="muted small" title="Only a credential holding every permission of this one can change or revoke it.">
      You lack ${missing.join(", ")}, so you cannot change it.
    </span>`;
  const refresh = async () => {
    const fresh = await api.post(path("/v1/user-tokens/{id}/refresh", { id: token.id }));
    return { secret: fresh.token, note: html`<${ExchangeNote} />` };
  };
  const revoke = async () => {
    await api.post(path("/v1/user-tokens/{id}/revoke", { id: token.id }));
    reload();
  };
  return html`<div class="row-actions">
    ${
      viaApiKey
        ? html`<${SecretActionButton}
          label="Refresh"
          title=${`Refresh ${token.name}`}
          confirmLabel="Refresh token"
          secretLabel="the new user token"
          perform=${refresh}
          onDone=${reload}
          intro=${html`<p>A new token value replaces the current one, which stops working.</p>
            <p class="warning-text">Every access token issued from it stops working at once, and so does every API key created through those access tokens.</p>`}
        />`
        : null
    }
    <${ConfirmButton}
      label="Revoke"
      title=${`Revoke ${token.name}`}
      confirmLabel="Revoke token"
      small
      message="The user token, every access token issued from it and every API key created through those stop working at once. This cannot be undone."
      onConfirm=${revoke}
    />
  </div>`;
}

export function UserTokensSection() {
  const { api, can, session } = useApp();
  const own = useOwnPermissions();
  const viaApiKey = session.me.credential.kind === "api_key";
  const pages = usePages((cursor) => api.get("/v1/user-tokens", { limit: 20, starting_after: cursor }), []);
  /** @type {import("../../lib/ui.js").Column<UserToken>[]} */
  const columns = [
    { label: "Name", render: (t) => html`<strong>${t.name}</strong><div class="sub-id"><${Id} value=${t.id} /></div>` },
    { label: "Permissions", render: (t) => html`<${PermissionList} permissions=${t.permissions} />` },
    {
      label: "State",
      render: (t) => (t.revoked_at ? html`<span class="badge badge-revoked">revoked</span>` : html`<span class="badge badge-live">active</span>`),
    },
    { label: "Generation", className: "num", render: (t) => html`<span title="Increases each time the token is refreshed">${t.generation}</span>` },
    { label: "Created", render: (t) => html`<${Stamp} iso=${t.created_at} />` },
    {
      label: "Changed",
      render: (t) => html`<${Stamp} iso=${t.revoked_at ?? t.updated_at} />`,
    },
    {
      label: "Actions",
      className: "actions-cell",
      render: (t) => html`<${TokenActions} token=${t} own=${own} viaApiKey=${viaApiKey} reload=${pages.reload} />`,
    },
  ];
  return html`<section class="card admin-section" aria-labelledby="user-tokens-title">
    <header class="section-header">
      <div>
        <h2 id="user-tokens-title">User tokens</h2>
        <p class="section-intro muted small">
          User tokens are created exclusively through the web application interface by authorized administrators. A person signs in with one, and it is
          exchanged for access tokens valid 24 hours.
        </p>
      </div>
      ${can("api_keys:write") && viaApiKey ? html`<${NewUserToken} onCreated=${pages.reload} />` : null}
    </header>
    ${
      can("api_keys:write") && !viaApiKey
        ? html`<p class="notice-inline small">You are signed in with a user token: user tokens are created and refreshed with an API key only. You can still revoke them.</p>`
        : null
    }
    <${ErrorNote} error=${pages.error} />
    <${ListTable} label="User tokens" columns=${columns} rows=${pages.rows} loading=${pages.loading} empty="No user tokens yet." />
    <${Pager} pages=${pages} />
  </section>`;
}
