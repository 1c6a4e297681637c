// The console: sign-in, then a shell with one screen per area of the admin API. Screens appear
// in the navigation only when the signed-in credential holds their read permission; the API
// refuses anything else anyway, and the screen then says so.
import { createApi } from "./lib/api.js";
import { html, render, useEffect, useMemo, useState } from "./lib/html.js";
import { href, useRoute } from "./lib/router.js";
import { can as holds, loadSession, saveSession } from "./lib/session.js";
import { AppContext, Refused } from "./lib/ui.js";
import { ApplicationsScreen } from "./screens/applications.js";
import { AuditScreen } from "./screens/audit.js";
import { CredentialsScreen } from "./screens/credentials.js";
import { CustomerScreen } from "./screens/customer.js";
import { CustomersScreen } from "./screens/customers.js";
import { LicenseScreen } from "./screens/license.js";
import { LicensesScreen } from "./screens/licenses.js";
import { OverviewScreen } from "./screens/overview.js";
import { PoliciesScreen } from "./screens/policies.js";
import { SignIn } from "./screens/signin.js";
import { WebhookScreen } from "./screens/webhook.js";
import { WebhooksScreen } from "./screens/webhooks.js";

/**
 * Each area: its route, its name in the navigation, the permission it reads with, its screens.
 * @type {{ route: string, label: string, permission: import("./lib/session.js").Permission, list: any, detail?: any }[]}
 */
const AREAS = [
  { route: "overview", label: "Overview", permission: "metrics:read", list: OverviewScreen },
  { route: "applications", label: "Applications", permission: "applications:read", list: ApplicationsScreen },
  { route: "policies", label: "Policies", permission: "policies:read", list: PoliciesScreen },
  { route: "licenses", label: "Licenses", permission: "licenses:read", list: LicensesScreen, detail: LicenseScreen },
  { route: "customers", label: "Customers", permission: "customers:read", list: CustomersScreen, detail: CustomerScreen },
  { route: "credentials", label: "API keys & tokens", permission: "api_keys:read", list: CredentialsScreen },
  { route: "webhooks", label: "Webhooks", permission: "webhooks:read", list: WebhooksScreen, detail: WebhookScreen },
  { route: "audit", label: "Audit log", permission: "audit:read", list: AuditScreen },
];

/** @param {{ session: import("./lib/session.js").Session, onSignOut: (reason?: string) => void }} props */
function Shell({ session, onSignOut }) {
  const route = useRoute();
  const [notice, setNotice] = useState(null);
  const api = useMemo(
    () =>
      createApi(
        () => session.token,
        (error) => onSignOut(`Signed out: ${error.message}`),
      ),
    [session.token],
  );
  const app = useMemo(
    /** @returns {import("./lib/ui.js").App} */
    () => ({
      session,
      api,
      can: (permission) => holds(session, permission),
      notify: (message) => {
        setNotice(message);
        setTimeout(() => setNotice((current) => (current === message ? null : current)), 6000);
      },
      signOut: onSignOut,
    }),
    [session, api],
  );
  const visible = AREAS.filter((a) => app.can(a.permission));
  const [name = visible[0]?.route, id] = route.parts;
  const area = AREAS.find((a) => a.route === name);
  const Screen = area && (id && area.detail ? area.detail : area.list);
  const credential = session.me.credential;
  // On a phone the sections scroll sideways in one row: the current one is brought into view.
  useEffect(() => document.querySelector(".sidenav a.active")?.scrollIntoView({ block: "nearest", inline: "nearest" }), [area?.route]);

  return html`<${AppContext.Provider} value=${app}>
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="#/">License console</a>
        <span class="who" title=${credential.id}>
          ${session.tenantName ?? session.me.tenant_id} · ${credential.kind === "access_token" ? "user token" : "API key"}
        </span>
        <button type="button" class="btn btn-secondary btn-small" onClick=${() => onSignOut()}>Sign out</button>
      </header>
      <nav class="sidenav" aria-label="Sections">
        ${visible.map((a) => html`<a href=${href(a.route)} class=${a === area ? "active" : ""} aria-current=${a === area ? "page" : undefined}>${a.label}</a>`)}
      </nav>
      <main class="content" id="main">
        ${
          !area
            ? visible.length
              ? html`<p class="empty">No such page. <a href=${href(visible[0].route)}>Go to ${visible[0].label}</a>.</p>`
              : html`<div class="refused"><p>This credential holds none of the permissions the console's screens read with.</p></div>`
            : !app.can(area.permission)
              ? html`<${Refused} permission=${area.permission} />`
              : html`<${Screen} key=${`${name}/${id ?? ""}`} id=${id} params=${route.params} />`
        }
      </main>
      ${notice ? html`<div class="notice" role="status">${notice}</div>` : null}
    </div>
  <//>`;
}

function App() {
  const [session, setSession] = useState(loadSession());
  const [reason, setReason] = useState(null);
  const signOut = (why = null) => {
    saveSession(null);
    // The next credential may see other screens: it starts from its own first one.
    history.replaceState(null, "", location.pathname);
    setReason(why);
    setSession(null);
  };
  if (!session) {
    return html`<${SignIn}
      reason=${reason}
      onSignedIn=${(s) => {
        saveSession(s);
        setReason(null);
        setSession(s);
      }}
    />`;
  }
  return html`<${Shell} session=${session} onSignOut=${signOut} />`;
}

// Render replaces the boot message rather than diffing against it.
const root = document.getElementById("app");
root.replaceChildren();
render(html`<${App} />`, root);
