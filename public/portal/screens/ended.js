// The pages shown instead of the portal: the link was used already or is too old, the session
// ended (signed out, idle, or closed by the seller), the page was opened without a link, or the
// service could not be reached. Each says what happened and the one thing to do next: go back to
// the seller's site and open the license page again, which makes a fresh link.
import { safeUrl, sellerName } from "../lib/brand.js";
import { html, useRef } from "../lib/html.js";
import { Button, ErrorNote, useAction, useFocusHeading } from "../lib/ui.js";

/** The heading every one of these pages starts with, focused so a screen reader starts there. */
function Heading({ children }) {
  const ref = useRef(null);
  useFocusHeading(ref, []);
  return html`<h1 ref=${ref} tabindex="-1">${children}</h1>`;
}

/** "Go back to <seller>'s website and open …": the way to a new link, as concretely as we know it. */
function NewLinkSteps({ branding = null, returnUrl = null }) {
  const back = safeUrl(returnUrl);
  const seller = branding?.display_name;
  return html`<h2>How to get back in</h2>
    <ol class="steps">
      <li>
        ${back ? html`Go back to <a href=${back}>${seller || "the seller's website"}</a>` : html`Go back to ${seller ? `${seller}'s website` : "the website where you bought your license"}`} and sign in
        to your account there.
      </li>
      <li>Open the page for managing your licenses or devices again. It gives you a new link that opens this portal.</li>
    </ol>
    <p class="muted">Each link works once and for 10 minutes, so nobody else can use it later.</p>`;
}

export function UsedLinkScreen() {
  return html`<section class="panel message-page">
    <p class="page-symbol" aria-hidden="true">!</p>
    <${Heading}>This link has already been used or has expired<//>
    <p class="lead">For your security, each link to this page works only once, within 10 minutes. It may also have been cancelled by the seller.</p>
    <${NewLinkSteps} />
    <p>If a new link does not work either, contact the seller you bought your license from.</p>
  </section>`;
}

/** @param {{ reason: "signed_out" | "expired", branding: any, returnUrl: string | null }} props */
export function EndedScreen({ reason, branding, returnUrl }) {
  return html`<section class="panel message-page">
    <p class="page-symbol" aria-hidden="true">${reason === "signed_out" ? "✓" : "!"}</p>
    <${Heading}>Your session has ended<//>
    <p class="lead">
      ${
        reason === "signed_out"
          ? "You signed out. Nothing more can be changed from this tab."
          : "For your security, a session ends after 30 minutes without activity, after 12 hours at most, or when the seller closes it."
      }
    </p>
    <${NewLinkSteps} branding=${branding} returnUrl=${returnUrl} />
    <p>Questions about your license? Contact ${sellerName(branding) === "License portal" ? "the seller" : sellerName(branding)}.</p>
  </section>`;
}

export function NoLinkScreen() {
  return html`<section class="panel message-page">
    <${Heading}>Open this page from your account<//>
    <p class="lead">This page manages your licenses, but it opens only from a personal link the seller gives you.</p>
    <${NewLinkSteps} />
  </section>`;
}

/** @param {{ error: any, onRetry: () => Promise<void> }} props */
export function FailedScreen({ error, onRetry }) {
  const retry = useAction(onRetry);
  return html`<section class="panel message-page">
    <${Heading}>We could not open your licenses<//>
    <${ErrorNote} error=${retry.error ?? error} />
    <p>This is usually a passing problem with the connection. Try again in a moment; if the link has stopped working by then, get a new one from the seller.</p>
    <${Button} kind="primary" busy=${retry.busy} onClick=${retry.run}>Try again<//>
  </section>`;
}
