// Sign-in: an API key, an access token or a user token (exchanged for a 24 h access token). The
// credential stays in this browser's console tabs only (lib/tabs.js); nothing is sent anywhere but
// this service's API.
import { html, useState } from "../lib/html.js";
import { signIn } from "../lib/session.js";
import { Button, ErrorNote, useAction } from "../lib/ui.js";

export function SignIn({ onSignedIn, reason }) {
  const [secret, setSecret] = useState("");
  const action = useAction(async () => onSignedIn(await signIn(secret)));
  const submit = (event) => {
    event.preventDefault();
    action.run();
  };
  return html`<main class="signin">
    <form class="card" onSubmit=${submit} aria-labelledby="signin-title">
      <h1 id="signin-title">License console</h1>
      <p class="muted">Sign in with an API key (<code>sk_…</code>) or a user token. It stays in this browser's console tabs (a new one gets it from an open one) and is forgotten when you sign out or close them.</p>
      ${reason ? html`<p class="notice-inline" role="status">${reason}</p>` : null}
      <div class="field">
        <label for="credential">API key or user token</label>
        <input
          id="credential"
          name="credential"
          type="password"
          autocomplete="off"
          spellcheck="false"
          autofocus
          value=${secret}
          onInput=${(e) => setSecret(e.currentTarget.value)}
        />
      </div>
      <${ErrorNote} error=${action.error} />
      <div class="form-actions">
        <${Button} kind="primary" type="submit" busy=${action.busy}>Sign in<//>
      </div>
    </form>
  </main>`;
}
