// The console: sign-in, then a shell with one screen per area of the admin API. Screens appear
// in the navigation only when the signed-in credential holds their read permission; the API
// refuses anything else anyway, and the screen then says so.
import { createApi } from "./lib/api.js";
import { html, render, useEffect, useMemo, useRef, useState } from "./lib/html.js";
import { href, useRoute } from "./lib/router.js";
import { can as holds, loadSession, saveSession, usableSession } from "./lib/session.js";
import { announceSignOut, ask, listen } from "./lib/tabs.js";
import { AppContext, Refused } from "./lib/ui.js";
import { ApplicationsScreen } from "./screens/applications.js";
import { AuditScreen } from "./screens/audit.js";
import { BillingScreen } from "./screens/billing.js";
import { BillingConnectorScreen } from "./screens/billing-connector.js";
import { CredentialsScreen } from "./screens/credentials.js";
import { CustomerScreen } from "./screens/customer.js";
import { CustomersScreen } from "./screens/customers.js";
import { LicenseScreen } from "./screens/license.js";
import { LicensesScreen } from "./screens/licenses.js";
import { OverviewScreen } from "./screens/overview.js";
import { PoliciesScreen } from "./screens/policies.js";
import { SettingsScreen } from "./screens/settings.js";
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
  { route: "billing", label: "Billing", permission: "billing:read", list: BillingScreen, detail: BillingConnectorScreen },
  { route: "audit", label: "Audit log", permission: "audit:read", list: AuditScreen },
  { route: "settings", label: "Settings", permission: "tenants:read", list: SettingsScreen },
];

/** @param {{ session: import("./lib/session.js").Session, onSignOut: (reason?: string, options?: { everywhere?: boolean }) => void }} props */
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
        <button type="button" class="btn btn-secondary btn-small" onClick=${() => onSignOut(null, { everywhere: true })}>Sign out</button>
      </header>
      <nav class="sidenav" aria-label="Sections">
        ${visible.map((a) => html`<a href=${href(a.route)} class=${a === area ? "active" : ""} aria-current=${a === area ? "page" : undefined}>${a.label}</a>`)}
      </nav>
      <main class="content" id="main">
        ${
          !area
            ? visible.length
              ? // A heading even here: a screen reader lands on what the page is (axe: page-has-heading-one).
                html`<h1>No such page</h1>
                  <p class="empty">This address names no screen of the console. <a href=${href(visible[0].route)}>Go to ${visible[0].label}</a>.</p>`
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

/** How long a tab opened without a session waits for an open tab's answer before it shows the form. */
const ASK_MS = 500;

function App() {
  const [session, setSession] = useState(loadSession);
  const [reason, setReason] = useState(null);
  // A tab opened without a session first asks the open ones for theirs (lib/tabs.js); the
  // route in its address is left alone, so a shared link opens on its screen either way.
  const [asking, setAsking] = useState(() => !session);
  const held = useRef(session);
  held.current = session;
  const stopAsking = useRef(() => {});

  const signedIn = (s) => {
    stopAsking.current();
    saveSession(s);
    setReason(null);
    setAsking(false);
    setSession(s);
  };
  /** A 401 signs this tab out; the seller's Sign out signs out every tab (`everywhere`). */
  const signOut = (why = null, { everywhere = false } = {}) => {
    stopAsking.current();
    if (everywhere) announceSignOut();
    saveSession(null);
    // The next credential may see other screens: it starts from its own first one.
    history.replaceState(null, "", location.pathname);
    setReason(why);
    setAsking(false);
    setSession(null);
  };

  useEffect(
    () =>
      listen({
        current: () => usableSession(held.current),
        signedOutElsewhere: () => held.current && signOut("Signed out in another tab."),
      }),
    [],
  );
  useEffect(() => {
    if (session) return undefined;
    stopAsking.current = ask((value) => {
      const handed = usableSession(value);
      if (handed) signedIn(handed);
      return Boolean(handed);
    });
    const timer = setTimeout(() => setAsking(false), ASK_MS);
    return () => {
      clearTimeout(timer);
      stopAsking.current();
    };
  }, []);

  if (!session) {
    if (asking) return html`<main class="signin"><p class="boot" role="status">Looking for a signed-in console tab…</p></main>`;
    return html`<${SignIn} reason=${reason} onSignedIn=${signedIn} />`;
  }
  return html`<${Shell} session=${session} onSignOut=${signOut} />`;
}

// Render replaces the boot message rather than diffing against it.
const root = document.getElementById("app");
root.replaceChildren();
render(html`<${App} />`, root);
