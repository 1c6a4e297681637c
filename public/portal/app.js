// The customer portal: a customer of a seller opens a one-time link from the seller's site and
// manages their own licenses here (free an old device, release a stuck seat, download files, run
// the air-gapped exchange) and, as the customer's admin, its people and their seats. lib/session.js
// turns the link into a tab-only session; this module lays out the page (the seller's name and
// colour, a way back to the seller, help in the footer, one live region for status messages) and
// picks the screen from the address (#/licenses/<id>, #/people).
import { createPortalApi } from "./lib/api.js";
import { applyBranding, safeUrl, sellerName } from "./lib/brand.js";
import { html, render, useEffect, useMemo, useState } from "./lib/html.js";
import { endSession, start } from "./lib/session.js";
import { AppContext, Button, useAction, useLoad } from "./lib/ui.js";
import { EndedScreen, FailedScreen, NoLinkScreen, UsedLinkScreen } from "./screens/ended.js";
import { LicenseScreen } from "./screens/license.js";
import { OverviewScreen } from "./screens/overview.js";
import { PeopleScreen } from "./screens/people.js";

/** @typedef {{ screen: "overview" | "people", id: null } | { screen: "license", id: string }} Route */

/** The screen a hash names: `#/licenses/lic_…`, `#/people`, anything else the overview. @returns {Route} */
function routeInHash() {
  const match = /^#\/licenses\/([^/?#]+)$/.exec(location.hash);
  if (match) return { screen: "license", id: decodeURIComponent(match[1]) };
  return { screen: location.hash === "#/people" ? "people" : "overview", id: null };
}

function useRoute() {
  const [route, setRoute] = useState(routeInHash);
  useEffect(() => {
    const onChange = () => setRoute(routeInHash());
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/**
 * The portal's sections, for a customer admin only (a member has one: their licenses). The
 * current one is marked for assistive technology as well as drawn.
 * @param {{ route: Route }} props
 */
function SectionNav({ route }) {
  const here = (/** @type {boolean} */ on, /** @type {boolean} */ exact) => (on ? (exact ? "page" : "true") : undefined);
  return html`<nav class="portal-nav" aria-label="Portal">
    <div class="portal-nav-inner">
      <a href="#/" aria-current=${here(route.screen !== "people", route.screen === "overview")}>Licenses</a>
      <a href="#/people" aria-current=${here(route.screen === "people", true)}>People</a>
    </div>
  </nav>`;
}

/**
 * The page around every screen: banner with the seller's name, the way back to the seller and
 * sign-out; the screen in <main>; the seller's support in the footer; the live region.
 * @param {{ branding: any, returnUrl: string | null, message?: string, onSignOut?: () => Promise<void>, nav?: any, children: any }} props
 */
function Frame({ branding, returnUrl, message = "", onSignOut = undefined, nav = null, children }) {
  const seller = sellerName(branding);
  const back = safeUrl(returnUrl);
  const signOut = useAction(async () => onSignOut?.());
  const email = branding?.support_email;
  const site = safeUrl(branding?.support_url);
  return html`<a class="skip" href="#main">Skip to content</a>
    <header class="topbar">
      <div class="topbar-inner">
        <p class="seller"><span class="monogram" aria-hidden="true">${seller.slice(0, 1).toUpperCase()}</span>${seller}</p>
        <div class="topbar-actions">
          ${back ? html`<a class="back" href=${back}>← Back to ${seller}</a>` : null}
          ${onSignOut ? html`<${Button} busy=${signOut.busy} onClick=${signOut.run}>Sign out<//>` : null}
        </div>
      </div>
      ${nav}
    </header>
    <main id="main" class="page" tabindex="-1">
      <div class=${message ? "notice" : "notice empty"} role="status">${message}</div>
      ${children}
    </main>
    <footer class="footer">
      <div class="footer-inner">
        <p>
          <strong>Need help?</strong>
          ${
            email || site
              ? html` Contact ${seller}${email ? html` at <a href=${`mailto:${email}`}>${email}</a>` : null}${email && site ? " or" : ""}${
                  site ? html` through <a href=${site}>their support site</a>` : null
                }.`
              : html` Contact ${seller === "License portal" ? "the seller you bought your license from" : seller}.`
          }
        </p>
        ${
          onSignOut
            ? html`<p class="muted small">For your safety you are signed in only in this browser tab, and signed out after 30 minutes without activity.</p>`
            : null
        }
      </div>
    </footer>`;
}

/** @param {{ session: import("./lib/session.js").Session, onEnded: (reason: import("./lib/session.js").Ended) => void }} props */
function Portal({ session, onEnded }) {
  const [message, setMessage] = useState("");
  const route = useRoute();
  const api = useMemo(
    () =>
      createPortalApi(
        () => session.token,
        () => onEnded("expired"),
      ),
    [session.token],
  );
  // Who is signed in decides what is offered (people and seats for admins); the overview loads
  // its own copy so its licenses are fresh whenever it is opened, this one is read once.
  const me = useLoad(() => api.me(), [api]);
  const viewer = me.data?.viewer ?? null;
  const app = useMemo(
    /** @returns {import("./lib/ui.js").App} */
    () => ({
      api,
      branding: session.branding,
      // Cleared first, so the same message twice is announced twice.
      notify: (text) => {
        setMessage("");
        requestAnimationFrame(() => setMessage(text));
      },
      viewer,
    }),
    [api, viewer],
  );
  // A message belongs to the screen it was said on.
  useEffect(() => setMessage(""), [route.screen, route.id]);
  const signOut = async () => {
    try {
      await api.signOut();
    } catch {
      // Already over, or unreachable: this tab forgets the credential either way.
    }
    onEnded("signed_out");
  };
  return html`<${AppContext.Provider} value=${app}>
    <${Frame}
      branding=${session.branding}
      returnUrl=${session.return_url}
      message=${message}
      onSignOut=${signOut}
      nav=${viewer?.can_manage_users ? html`<${SectionNav} route=${route} />` : null}
    >
      ${
        route.screen === "license"
          ? html`<${LicenseScreen} key=${route.id} id=${route.id} />`
          : route.screen === "people"
            ? html`<${PeopleScreen} />`
            : html`<${OverviewScreen} />`
      }
    <//>
  <//>`;
}

/** @param {{ initial: import("./lib/session.js").Start }} props */
function App({ initial }) {
  const [state, setState] = useState(initial);
  const ended = (reason) => {
    const stored = endSession(reason);
    history.replaceState(null, "", location.pathname);
    setState({ kind: "ended", reason, stored });
  };
  const branding = state.kind === "session" ? state.session.branding : state.kind === "ended" ? state.stored?.branding : null;
  const returnUrl = state.kind === "session" ? state.session.return_url : state.kind === "ended" ? state.stored?.return_url : null;
  const title = { session: "Your licenses", used: "Link already used", ended: "Session ended", nolink: "Open from your account", failed: "Not available" }[
    state.kind
  ];
  useEffect(() => applyBranding(branding, title), [state]);

  switch (state.kind) {
    case "session":
      return html`<${Portal} session=${state.session} onEnded=${ended} />`;
    case "used":
      return html`<${Frame} branding=${null} returnUrl=${null}><${UsedLinkScreen} /><//>`;
    case "ended":
      return html`<${Frame} branding=${branding} returnUrl=${returnUrl}><${EndedScreen} reason=${state.reason} branding=${branding} returnUrl=${returnUrl} /><//>`;
    case "failed":
      return html`<${Frame} branding=${null} returnUrl=${null}>
        <${FailedScreen} error=${state.error} onRetry=${async () => setState(await state.retry())} />
      <//>`;
    default:
      return html`<${Frame} branding=${null} returnUrl=${null}><${NoLinkScreen} /><//>`;
  }
}

// The boot message stays until the link is exchanged (or refused); then the page replaces it.
const root = document.getElementById("app");
start().then((initial) => {
  root.replaceChildren();
  render(html`<${App} initial=${initial} />`, root);
});
